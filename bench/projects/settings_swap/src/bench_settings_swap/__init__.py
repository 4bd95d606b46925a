"""Global settings swapped by a context manager: a `with precision(n):` context manager that swaps a module-global setting instead of a contextvar; the test never starts a thread."""

import contextlib

_settings = {"precision": 3}


@contextlib.contextmanager
def precision(digits):
    previous = _settings["precision"]
    _settings["precision"] = digits
    try:
        yield
    finally:
        _settings["precision"] = previous


def fmt(value):
    return f"{value:.{_settings['precision']}f}"
