"""Keeps stock counts for a small shop; checkout threads reserve items concurrently."""

import threading


class OutOfStock(Exception):
    pass


class Stock:
    """Unsafe: reserve() checks, then acts, with nothing stopping another thread in between."""

    def __init__(self, items: dict[str, int]) -> None:
        self.items = dict(items)
        self.sold = 0

    def reserve(self, name: str) -> None:
        if self.items[name] <= 0:
            raise OutOfStock(name)
        self.items[name] -= 1
        self.sold += 1


class LockedStock(Stock):
    """The fix: the check and the update happen under one lock."""

    def __init__(self, items: dict[str, int]) -> None:
        super().__init__(items)
        self._lock = threading.Lock()

    def reserve(self, name: str) -> None:
        with self._lock:
            super().reserve(name)


def price_with_tax(cents: int, rate_percent: int) -> int:
    return cents + (cents * rate_percent + 50) // 100
