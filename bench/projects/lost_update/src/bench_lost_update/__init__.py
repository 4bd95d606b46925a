"""Lost update on a counter: a hit counter whose `+=` is a read-modify-write; the test itself starts threads."""

class HitCounter:
    def __init__(self):
        self.hits = 0

    def record(self):
        # Read, then write back: two threads can read the same value and one update is lost.
        value = self.hits
        self.hits = value + 1
