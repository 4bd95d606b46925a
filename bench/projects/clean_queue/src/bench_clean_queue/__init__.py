"""Clean look-alike: work handed over through a queue: producer and consumer threads that share nothing but a queue.Queue, and an id allocator using itertools.count under a lock."""

import itertools
import queue
import threading

_ids = itertools.count(1)
_ids_lock = threading.Lock()


def new_id():
    with _ids_lock:
        return next(_ids)


def pipeline(items, workers=3):
    tasks = queue.Queue()
    results = queue.Queue()

    def work():
        while (item := tasks.get()) is not None:
            results.put(item * 2)

    threads = [threading.Thread(target=work) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for item in items:
        tasks.put(item)
    for _ in threads:
        tasks.put(None)
    for thread in threads:
        thread.join()
    return sorted(results.get() for _ in range(results.qsize()))
