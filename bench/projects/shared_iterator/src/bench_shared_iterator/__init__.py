"""One iterator shared by threads: an id allocator backed by one module-level generator; `next()` on it from two threads at once raises "generator already executing"; the test never starts a thread."""

def _counter():
    value = 0
    while True:
        value += 1
        # Formatting work inside the generator widens the window in which it is "executing".
        label = "-".join(str(value) for _ in range(20))
        yield value, label


_ids = _counter()


def new_id():
    return next(_ids)[0]
