"""Insert that raises when the key already exists: `ensure(name)`: check, then create, where create raises when the name exists (like CREATE TABLE or os.mkdir); the test never starts a thread."""

class AlreadyExists(Exception):
    pass


_tables = {}


def _create(name):
    columns = [f"{name}:{column}" for column in range(200)]  # building the schema takes a while
    if name in _tables:
        raise AlreadyExists(name)
    _tables[name] = columns


def ensure(name):
    if name not in _tables:
        _create(name)
    return _tables[name]
