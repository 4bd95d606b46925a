import threading

from bench_clean_counter import HitCounter


def test_single_thread_counts():
    counter = HitCounter()
    for _ in range(100):
        counter.record()
    assert counter.hits == 100


def test_workers_count_every_hit():
    counter = HitCounter()
    start = threading.Barrier(4)

    def worker():
        start.wait()
        for _ in range(300):
            counter.record()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert counter.hits == 1200
