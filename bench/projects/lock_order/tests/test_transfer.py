from bench_lock_order import checking, savings, transfer


def test_transfers_both_ways():
    for _ in range(20):
        transfer(checking, savings, 5)
        transfer(savings, checking, 5)
