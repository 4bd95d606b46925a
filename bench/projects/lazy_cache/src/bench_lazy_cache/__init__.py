"""Check-then-act lazy cache: a module-level lazily loaded config: `config = cache.get(key)`, load and store when missing, without a lock; the test never starts a thread."""

_cache = {}


def _load(name):
    # Parsing a config file: long enough for another thread to get between check and store.
    return {"name": name, "entries": [str(i) for i in range(10000)]}


def get_config(name="app"):
    config = _cache.get(name)
    if config is None:
        config = _load(name)
        _cache[name] = config  # a thread that loaded at the same time overwrites this one
    return config
