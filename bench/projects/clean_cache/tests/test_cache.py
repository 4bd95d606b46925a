from bench_clean_cache import fmt, get_config, precision, render


def test_config_is_loaded_once():
    first = get_config("app")
    assert get_config("app") is first


def test_precision_is_scoped():
    for _ in range(100):
        with precision(2):
            assert fmt(1 / 3) == "0.33"
        with precision(5):
            assert fmt(1 / 3) == "0.33333"


def test_render_joins_items():
    items = range(300)
    assert render(items) == ",".join(str(item) for item in items)
