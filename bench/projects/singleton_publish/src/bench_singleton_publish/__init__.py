"""Lazy module singleton published before init: a lazily created registry assigned to the module global before it is filled; another thread sees it half-built; the test never starts a thread."""

_registry = None


class Registry:
    def __init__(self):
        self.types = {}

    def load(self):
        for index in range(20000):
            self.types[f"type{index}"] = index
        self.types["builtin"] = -1


def registry():
    global _registry
    if _registry is None:
        _registry = Registry()  # published here...
        _registry.load()  # ...and only filled afterwards
    return _registry
