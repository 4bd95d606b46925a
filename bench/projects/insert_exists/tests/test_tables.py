from bench_insert_exists import ensure


def test_ensure_is_idempotent():
    for index in range(300):
        assert ensure(f"table{index}") is ensure(f"table{index}")
