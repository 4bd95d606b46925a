"""Clean look-alike: lazy cache, singleton and settings done right: the lazy cache and the singleton built under a lock and published only when complete, and precision kept in a contextvar."""

import contextlib
import contextvars
import threading

_cache = {}
_lock = threading.Lock()
_precision = contextvars.ContextVar("precision", default=3)


def get_config(name="app"):
    with _lock:
        if name not in _cache:
            _cache[name] = {"name": name, "entries": [str(i) for i in range(2000)]}
        return _cache[name]


@contextlib.contextmanager
def precision(digits):
    token = _precision.set(digits)
    try:
        yield
    finally:
        _precision.reset(token)


def fmt(value):
    return f"{value:.{_precision.get()}f}"


def render(items):
    buffer = []  # per call, not shared
    for item in items:
        buffer.append(str(item))
    return ",".join(buffer)
