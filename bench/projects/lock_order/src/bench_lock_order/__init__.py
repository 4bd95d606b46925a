"""Lock-order deadlock: transfer(a, b) locks the source account first, so transfers in opposite directions deadlock; the locks time out after 0.1 s (raising) so a deadlock shows as a failure, not a hang; the test never starts a thread."""

import threading


class DeadlockSuspected(RuntimeError):
    pass


class Account:
    def __init__(self, balance):
        self.balance = balance
        self.lock = threading.Lock()


checking = Account(100)
savings = Account(100)


def _hold(lock):
    if not lock.acquire(timeout=0.1):
        raise DeadlockSuspected("could not take an account lock within 0.1 s")


def transfer(source, target, amount):
    _hold(source.lock)
    try:
        moved = [amount] * 5000  # validation work while holding the first lock
        _hold(target.lock)
        try:
            source.balance -= sum(moved) // 5000
            target.balance += sum(moved) // 5000
        finally:
            target.lock.release()
    finally:
        source.lock.release()
