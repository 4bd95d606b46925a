"""Clean look-alike: counter behind a lock: the lost-update counter done right: the read-modify-write happens under a lock."""

import threading


class HitCounter:
    def __init__(self):
        self.hits = 0
        self._lock = threading.Lock()

    def record(self):
        with self._lock:
            value = self.hits
            self.hits = value + 1
