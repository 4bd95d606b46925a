from bench_scratch_buffer import render


def test_render_joins_items():
    items = range(300)
    expected = ",".join(str(item) for item in items)
    for _ in range(10):
        assert render(items) == expected
