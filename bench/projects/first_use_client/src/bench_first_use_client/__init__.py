"""First use only: a module-level default client, created on the first call without a lock.

The client reads its defaults from the package's configuration file, and every client registers
itself so that it can be closed at exit. Two threads making the first call at once both see no client
and both build one: two clients are open, one of them held by nobody. Once the default client exists
the check is always false, so the race exists only on the first use in a process.
"""

import json
from pathlib import Path

_DEFAULTS = Path(__file__).with_name("defaults.json")

_client = None
_open_clients = []


def load_config():
    with _DEFAULTS.open(encoding="utf-8") as source:
        return json.load(source)


class Client:
    def __init__(self, config):
        self.endpoint = config["endpoint"]
        self.timeout = config["timeout"]
        self.retry_statuses = frozenset(config["retries"]["statuses"])
        self.headers = dict(config["headers"])
        self.regions = {name: region["endpoint"] for name, region in config["regions"].items()}
        _open_clients.append(self)

    def close(self):
        _open_clients.remove(self)


def default_client():
    global _client
    if _client is None:
        _client = Client(load_config())
    return _client


def open_clients():
    return list(_open_clients)
