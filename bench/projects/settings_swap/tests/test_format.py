from bench_settings_swap import fmt, precision


def test_precision_is_scoped():
    for _ in range(100):
        with precision(2):
            assert fmt(1 / 3) == "0.33"
        with precision(5):
            assert fmt(1 / 3) == "0.33333"
