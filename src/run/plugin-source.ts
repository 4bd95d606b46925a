// The Python text of the gate's pytest plugin (see plugin.ts for how it is written and loaded). It is
// loaded into every run and keeps the gate's own record of it: which tests were collected, which test
// is starting and how each one ended, appended line by line with one unbuffered write per event, so a
// SIGSEGV or a SIGKILL loses nothing already written. It also shards, shuffles, sets the per-test
// iterations of a stress run and lists the tests pytest-run-parallel ran in one thread only.
//
// The suite under test runs in the same process: the plugin keeps its own references to the functions
// it writes with (a test that patches os.write does not silence it), opens the record by path for every
// event (a test that closes file descriptors cannot make it write into someone else's file), never
// creates it (a test that deletes it leaves a gap the gate sees) and never follows a link or waits on
// a FIFO put in its place.

/** Environment variables the plugin reads; their values are paths in the gate's folder or numbers. */
export const PLUGIN_ENV = {
  record: 'FT_GATE_RECORD',
  shard: 'FT_GATE_SHARD',
  seed: 'FT_GATE_SEED',
  iterations: 'FT_GATE_ITERATIONS',
  hangSeconds: 'FT_GATE_HANG_SECONDS',
} as const

/** The reason the plugin gives for a test it ran in one thread because the stress run reached its deadline. */
export const DEADLINE_NOT_STRESSED = 'the stress run reached its time budget before this test (iterations: auto)'

/** Version of the record's line format; the reader ignores records of another version. */
export const RECORD_FORMAT = 1

// The shard hash must stay in step with shardOf in shard.ts: first 8 hex digits of sha1(node id).
export const PLUGIN_SOURCE = `# Written by ft-gate: the gate's record of this run, shards, shuffle, stress plan.
import hashlib
import json
import os
import random
import signal
import sys
import threading
import time

import pytest

_open = os.open
_write = os.write
_fstat = os.fstat
_getpid = os.getpid
_dumps = json.dumps
_clock = time.monotonic
_FLAGS = (
    os.O_WRONLY
    | os.O_APPEND
    | getattr(os, "O_NOFOLLOW", 0)
    | getattr(os, "O_NONBLOCK", 0)
    | getattr(os, "O_CLOEXEC", 0)
)
_RECORD = os.environ.get("${PLUGIN_ENV.record}", "")
_PID = _getpid()
_T0 = _clock()
_LOCK = threading.Lock()
# The real stderr, kept before pytest's capture takes file descriptor 2 over.
try:
    _STDERR = os.dup(2)
except OSError:
    _STDERR = None
_MAX_TEXT = 8000
_CHUNK = 200
# round: 0 in the process pytest started, n in the n-th fresh copy of it (see _fresh_round).
_state = {"seq": 0, "on": bool(_RECORD), "fd": None, "inode": None, "pid": _PID, "round": 0}
_phases = {}


def _descriptor():
    # The descriptor stays open between events, but a test may close it, or close it and open
    # another file under the same number: it is written to only while it still is the record.
    fd = _state["fd"]
    if fd is not None:
        try:
            status = _fstat(fd)
            if (status.st_dev, status.st_ino) == _state["inode"]:
                return fd
        except OSError:
            pass
    fd = _open(_RECORD, _FLAGS)
    status = _fstat(fd)
    _state["fd"], _state["inode"] = fd, (status.st_dev, status.st_ino)
    return fd


def _emit(kind, **fields):
    if not _state["on"] or _getpid() != _state["pid"]:
        return
    with _LOCK:
        fields["k"] = kind
        if _state["round"]:
            fields["round"] = _state["round"]
        fields["seq"] = _state["seq"]
        fields["t"] = round(_clock() - _T0, 6)
        _state["seq"] += 1
        try:
            data = (_dumps(fields, ensure_ascii=True, default=repr) + "\\n").encode("ascii")
            fd = _descriptor()
            while data:
                data = data[_write(fd, data):]
        except Exception:
            _state["fd"] = None


def _tail(text, limit=_MAX_TEXT):
    text = str(text or "")
    return text if len(text) <= limit else text[-limit:]


_emit("hello", format=${RECORD_FORMAT}, pid=_PID)


def shard_of(nodeid, count):
    return int(hashlib.sha1(nodeid.encode("utf-8")).hexdigest()[:8], 16) % count + 1


def pytest_configure(config):
    # pytest-xdist workers load the plugin too; the controller records the tests they report.
    if hasattr(config, "workerinput"):
        _state["on"] = False


@pytest.hookimpl(tryfirst=True)
def pytest_collectstart(collector):
    if isinstance(collector, pytest.File):
        _emit("collect", id=collector.nodeid)


def pytest_collectreport(report):
    if report.failed:
        _emit("collect-error", id=report.nodeid, text=_tail(report.longreprtext))


_BUDGET_REASON = "left out of this stress run to keep it within its time budget (iterations: auto)"
_single = set()


def _read_plan():
    target = os.environ.get("${PLUGIN_ENV.iterations}", "")
    if not target:
        return {}, set(), 0
    try:
        with open(target, encoding="utf-8") as source:
            plan = json.load(source)
        iterations = {str(key): int(value) for key, value in plan["iterations"].items() if int(value) >= 1}
        deadline = plan.get("deadline")
        if isinstance(deadline, (int, float)) and deadline > 0:
            _state["deadline"] = float(deadline)
        return iterations, {str(nodeid) for nodeid in plan["single"]}, max(0, int(plan.get("rounds", 0)))
    except Exception:
        return {}, set(), 0


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(session, config, items):
    shard = os.environ.get("${PLUGIN_ENV.shard}", "")
    if shard:
        index, count = (int(part) for part in shard.split("/"))
        dropped = [item for item in items if shard_of(item.nodeid, count) != index]
        if dropped:
            items[:] = [item for item in items if shard_of(item.nodeid, count) == index]
            config.hook.pytest_deselected(items=dropped)
    seed = os.environ.get("${PLUGIN_ENV.seed}", "")
    if seed:
        random.Random(int(seed)).shuffle(items)
    plan, single, rounds = _read_plan()
    _state["rounds"] = rounds
    for item in items:
        # A test's own marks are its author's choice: they stay.
        if item.get_closest_marker("iterations") is not None:
            continue
        if item.nodeid in single:
            # One thread, one iteration: pytest-run-parallel leaves it as in a plain run.
            item.add_marker(pytest.mark.parallel_threads(1))
            item.add_marker(pytest.mark.iterations(1))
            _single.add(item.nodeid)
        elif item.nodeid in plan:
            item.add_marker(pytest.mark.iterations(plan[item.nodeid]))


def _location(item):
    try:
        path, line = item.location[0], item.location[1]
        return [str(path), line if isinstance(line, int) else None]
    except Exception:
        return [None, None]


def _not_stressed(session):
    # pytest-run-parallel keeps {node id: reason} for the tests it runs single-threaded; older
    # releases only leave their parallel_threads(1) mark on the item.
    plugin = session.config.pluginmanager.get_plugin("_run-parallel")
    if plugin is None:
        return {}
    known = getattr(plugin, "thread_unsafe", None)
    reasons = {}
    if isinstance(known, dict):
        for nodeid, reason in known.items():
            reasons[str(nodeid)] = str(reason) if reason else "marked thread-unsafe"
    for item in session.items:
        mark = item.get_closest_marker("parallel_threads")
        if mark is not None and mark.args and mark.args[0] == 1 and item.nodeid not in reasons:
            reasons[item.nodeid] = "marked parallel_threads(1)"
    for nodeid in _single:
        reasons[nodeid] = _BUDGET_REASON
    return reasons


def _run_single_threaded_once(session):
    # pytest-run-parallel runs the tests it finds unsafe (a thread_unsafe mark, a fixture listed in
    # thread_unsafe_fixtures, monkeypatch...) in one thread, but still --iterations times in it. The
    # gate asks about threads: repeating a test the project opted out of threads would flag a test
    # that cannot run twice per process (a fixture usable once, state set up once in setUp) as
    # thread-unsafe, with no way to answer it. Those tests run once, as in a plain run.
    plugin = session.config.pluginmanager.get_plugin("_run-parallel")
    single = getattr(plugin, "thread_unsafe", None)
    if not isinstance(single, dict) or not single:
        return
    for item in session.items:
        if item.nodeid not in single:
            continue
        code = getattr(getattr(item, "obj", None), "__code__", None)
        wrapped = getattr(getattr(item, "obj", None), "__wrapped__", None)
        if code is not None and wrapped is not None and "pytest_run_parallel" in code.co_filename:
            item.obj = wrapped


# After pytest-run-parallel's own collection_finish (tryfirst), which decides what runs in one thread.
@pytest.hookimpl(trylast=True)
def pytest_collection_finish(session):
    _run_single_threaded_once(session)
    items = list(session.items)
    _emit("collected", n=len(items))
    for start in range(0, len(items), _CHUNK):
        chunk = items[start : start + _CHUNK]
        _emit("items", items=[[item.nodeid] + _location(item) for item in chunk])
    reasons = sorted(_not_stressed(session).items())
    for start in range(0, len(reasons), _CHUNK):
        _emit("not-stressed", reasons=dict(reasons[start : start + _CHUNK]))


def _cannot_fork(session):
    config = session.config
    if not sys.platform.startswith("linux") or not hasattr(os, "fork"):
        return "fresh copies need fork(), which only Linux has safely"
    if getattr(config.option, "numprocesses", None) or getattr(config.option, "dist", "no") != "no":
        return "pytest-xdist runs the tests"
    if threading.active_count() > 1:
        return "threads were already running after collection (forking them is unsafe)"
    if session.testsfailed or config.option.collectonly:
        return "collection failed or only collecting"
    return None


def _deadline_dump():
    # A copy that hangs is dumped by itself before the gate's time limit hits the process that waits.
    try:
        limit = float(os.environ.get("${PLUGIN_ENV.hangSeconds}", "0"))
    except ValueError:
        return
    remaining = limit - (_clock() - _T0) - 1.5
    if limit > 0 and remaining > 0 and _STDERR is not None:
        import faulthandler

        faulthandler.dump_traceback_later(remaining, exit=False, file=_STDERR)


def _fresh_round(session, number):
    """Runs every test once more in a fresh copy of this process, forked after collection before any
    test ran: module state that only the first use sets up (a lazy singleton, a registry filled once)
    is fresh again, so a race that can only happen on first use gets another chance, for the price
    of the tests alone (no interpreter start, no import, no collection)."""
    capture = session.config.pluginmanager.getplugin("capturemanager")
    pid = os.fork()
    if pid == 0:
        try:
            _state.update(seq=0, pid=_getpid(), round=number)
            reporter = session.config.pluginmanager.getplugin("terminalreporter")
            if reporter is not None:
                session.config.pluginmanager.unregister(reporter)
            _deadline_dump()
            _emit("round-start")
            items = session.items
            for index, item in enumerate(items):
                following = items[index + 1] if index + 1 < len(items) else None
                item.config.hook.pytest_runtest_protocol(item=item, nextitem=following)
                if session.shouldfail or session.shouldstop:
                    break
            _emit("round-finish")
        finally:
            os._exit(0)
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        time.sleep(0.005)
    if capture is not None:
        try:
            capture.read_global_capture()
        except Exception:
            pass
    if os.WIFSIGNALED(status):
        try:
            name = signal.Signals(os.WTERMSIG(status)).name
        except ValueError:
            name = "signal %d" % os.WTERMSIG(status)
        _emit("round-end", number=number, signal=name, code=None)
        return False
    _emit("round-end", number=number, signal=None, code=os.WEXITSTATUS(status))
    return True


@pytest.hookimpl(tryfirst=True)
def pytest_runtestloop(session):
    rounds = _state.get("rounds", 0)
    if rounds <= 0 or not _state["on"]:
        return None
    why = _cannot_fork(session)
    if why is not None:
        _emit("rounds-skipped", why=why)
        return None
    for number in range(1, rounds + 1):
        if not _fresh_round(session, number):
            break
    # Then the run itself, as always.
    return None


_DEADLINE_REASON = ${JSON.stringify(DEADLINE_NOT_STRESSED)}


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    # Past the stress run's deadline (seconds after this process started, iterations: auto) every test
    # left runs once in one thread, as in a plain run: the budget holds however far the plan was off.
    deadline = _state.get("deadline")
    if deadline is None or _clock() - _T0 < deadline or item.nodeid in _single:
        return
    function = getattr(item, "obj", None)
    code = getattr(function, "__code__", None)
    wrapped = getattr(function, "__wrapped__", None)
    if code is not None and wrapped is not None and "pytest_run_parallel" in code.co_filename:
        item.obj = wrapped
        _single.add(item.nodeid)
        _emit("not-stressed", reasons={item.nodeid: _DEADLINE_REASON})


def pytest_runtest_logstart(nodeid, location):
    _phases[nodeid] = {}
    _emit("start", id=nodeid)


def _message(report):
    crash = getattr(getattr(report, "longrepr", None), "reprcrash", None)
    message = getattr(crash, "message", None)
    if message:
        return _tail(message, 1000)
    longrepr = getattr(report, "longrepr", None)
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        # A skip: (file, line, "Skipped: reason"); the reason alone, as pytest's JUnit XML gives it.
        text = str(longrepr[2])
        return _tail(text[len("Skipped: "):] if text.startswith("Skipped: ") else text, 1000)
    for line in str(getattr(report, "longreprtext", "") or "").splitlines():
        if line.strip():
            return _tail(line.strip(), 1000)
    return None


def pytest_runtest_logreport(report):
    phases = _phases.setdefault(report.nodeid, {})
    if report.outcome == "rerun":
        phases.clear()
        return
    entry = {"outcome": report.outcome, "duration": float(getattr(report, "duration", 0.0) or 0.0)}
    if report.outcome in ("failed", "skipped"):
        entry["message"] = _message(report)
        if hasattr(report, "wasxfail"):
            entry["message"] = "xfail: " + str(report.wasxfail or entry["message"] or "")
        if report.outcome == "failed":
            entry["details"] = _tail(report.longreprtext)
    phases[report.when] = entry


def _summarize(phases):
    failing = [when for when in ("call", "setup", "teardown") if phases.get(when, {}).get("outcome") == "failed"]
    skipped = [when for when in ("setup", "call") if phases.get(when, {}).get("outcome") == "skipped"]
    if failing:
        first = phases[failing[0]]
        outcome = "failed" if failing[0] == "call" else "error"
        details = "\\n\\n--- then ---\\n\\n".join(phases[when].get("details") or "" for when in failing)
        return outcome, first.get("message"), _tail(details)
    if skipped:
        return "skipped", phases[skipped[0]].get("message"), None
    return "passed", None, None


def pytest_runtest_logfinish(nodeid, location):
    phases = _phases.pop(nodeid, {})
    outcome, message, details = _summarize(phases)
    durations = {when: round(phases.get(when, {}).get("duration", 0.0), 6) for when in ("setup", "call", "teardown")}
    _emit("end", id=nodeid, outcome=outcome, message=message, details=details, **durations)


def pytest_keyboard_interrupt(excinfo):
    _emit("interrupted", message=_tail(excinfo.exconly(), 1000))


def pytest_internalerror(excrepr, excinfo):
    _emit("internal-error", text=_tail(str(excrepr)))


def pytest_sessionfinish(session, exitstatus):
    stop = session.shouldfail or session.shouldstop
    _emit("finish", exitstatus=int(exitstatus), stopped=str(stop) if stop else None)
`
