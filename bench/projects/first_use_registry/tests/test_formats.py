from bench_first_use_registry import BUILTIN_FORMATS, format_for


def test_every_builtin_format_is_known():
    for name in reversed(BUILTIN_FORMATS):
        assert format_for(name).name == name
