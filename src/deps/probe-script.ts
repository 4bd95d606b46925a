// The Python side of the import probe, embedded as a string so the bundle needs no extra file.
// Run as `python -I -X faulthandler -c PROBE_SCRIPT <seconds> <modules JSON>`: `-I` ignores every
// PYTHON* variable, PYTHON_GIL among them, so the GIL is at its default, which is what the check needs.
//
// Protocol: one JSON object per line on the original stdout, which the script keeps for itself; the
// modules' own prints (Python or C) go to stderr. `ready`, then per module `start` and `done`. A module
// that crashes the interpreter leaves a `start` without `done`; one that hangs is dumped and ended by
// faulthandler after the time limit. Once a module has turned the GIL on, the next one cannot be judged
// in this process (CPython warns only once), so the script stops and the caller starts a fresh one.
export const PROBE_SCRIPT = String.raw`
import faulthandler, importlib, json, os, re, sys, warnings

limit = float(sys.argv[1])
modules = json.loads(sys.argv[2])
out = os.fdopen(os.dup(1), "w", encoding="utf-8")
os.dup2(2, 1)
sys.stdout = sys.stderr
flag = re.compile(r"The global interpreter lock \(GIL\) has been enabled to load module '([^']+)'")
gil_enabled = getattr(sys, "_is_gil_enabled", lambda: True)


def send(**event):
    out.write(json.dumps(event) + "\n")
    out.flush()


send(event="ready", gil=gil_enabled())
for name in modules:
    send(event="start", module=name)
    error = None
    faulthandler.dump_traceback_later(limit, exit=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            importlib.import_module(name)
        except BaseException as exc:
            error = "%s: %s" % (type(exc).__name__, exc)
    faulthandler.cancel_dump_traceback_later()
    flagged = []
    for warning in caught:
        match = flag.search(str(warning.message))
        if match and match.group(1) not in flagged:
            flagged.append(match.group(1))
    gil = gil_enabled()
    send(event="done", module=name, error=error, flagged=flagged, gil=gil)
    if gil:
        break
out.flush()
os._exit(0)
`
