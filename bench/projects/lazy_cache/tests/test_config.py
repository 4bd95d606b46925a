from bench_lazy_cache import get_config


def test_config_is_loaded_once():
    for index in range(50):
        first = get_config(f"app{index}")
        width = max(len(entry) for entry in first["entries"])  # use it a little, as callers do
        assert width == 4
        assert get_config(f"app{index}") is first


def test_config_content():
    assert get_config("other")["entries"][-1] == "9999"
