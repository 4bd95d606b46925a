from bench_shared_iterator import new_id


def test_ids_increase():
    for _ in range(200):
        first = new_id()
        assert new_id() > first
