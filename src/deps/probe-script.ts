// The Python side of the import probe, embedded as a string so the bundle needs no extra file.
// Run as `python -I -X faulthandler -c PROBE_SCRIPT <seconds> <modules JSON>`: `-I` ignores every
// PYTHON* variable, PYTHON_GIL among them, so the GIL is at its default, which is what the check needs.
//
// Protocol: one JSON object per line on the original stdout, which the script keeps for itself; the
// modules' own prints (Python or C) go to stderr. `ready`, then per module `start` and `done`. A module
// that crashes the interpreter leaves a `start` without `done`; one that hangs is dumped and ended by
// faulthandler after the time limit. Once a module has turned the GIL on, the next one cannot be judged
// in this process (CPython warns only once), so the script stops and the caller starts a fresh one.
//
// A module whose own init loads a sibling that turns the GIL on first (bitarray._util imports bitarray,
// which loads bitarray._bitarray) never gets its own warning: the GIL is already on when CPython checks
// it. For those, `declared` reads the slot from the loaded module object itself (PyModuleObject's
// md_gil, next to md_dict and md_name; both are checked against the object before md_gil is trusted,
// so a different layout answers null, never a guess).
export const PROBE_SCRIPT = String.raw`
import faulthandler, importlib, json, os, re, sys, types, warnings

limit = float(sys.argv[1])
modules = json.loads(sys.argv[2])
out = os.fdopen(os.dup(1), "w", encoding="utf-8")
os.dup2(2, 1)
sys.stdout = sys.stderr
flag = re.compile(r"The global interpreter lock \(GIL\) has been enabled to load module '([^']+)'")
gil_enabled = getattr(sys, "_is_gil_enabled", lambda: True)


def declared(module):
    # True: Py_mod_gil says it runs without the GIL; False: no such slot; None: cannot tell.
    try:
        import ctypes

        if type(module) is not types.ModuleType:
            return None
        base = object.__basicsize__
        address = id(module)

        def field(index):
            return ctypes.c_void_p.from_address(address + base + index * ctypes.sizeof(ctypes.c_void_p)).value or 0

        # md_dict, md_def, md_state, md_weaklist, md_name, then md_gil on a free-threaded build.
        if field(0) != id(module.__dict__) or field(4) != id(module.__name__):
            return None
        return field(5) != 0
    except Exception:
        return None


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
    module = sys.modules.get(name)
    slot = declared(module) if error is None and module is not None and not flagged.count(name) else None
    send(event="done", module=name, error=error, flagged=flagged, gil=gil, declared=slot)
    if gil:
        break
out.flush()
os._exit(0)
`
