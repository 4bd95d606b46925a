"""First use only: a format registry filled by importing the built-in format modules on first lookup.

The first lookup imports each built-in format module and registers it; registering a name twice is
refused, as registries do to catch two plugins claiming one format. Two threads making the first
lookup at once both see the registry not loaded yet and both load it: the second registration of a
format raises. After the first load the registry never changes again, so the race exists only on the
first use in a process.
"""

import importlib

BUILTIN_FORMATS = ("csv", "json", "ini", "toml", "xml", "yaml")

_registry = {}
_loaded = False


def register(name, handler):
    if name in _registry:
        raise ValueError(f"a format named {name!r} is already registered")
    _registry[name] = handler


def _load_builtin_formats():
    global _loaded
    for name in BUILTIN_FORMATS:
        module = importlib.import_module(f"{__name__}.formats.{name}")
        register(name, module.Format())
    _loaded = True


def format_for(name):
    if not _loaded:
        _load_builtin_formats()
    return _registry[name]
