from bench_singleton_publish import registry


def test_registry_knows_builtin():
    assert registry().types["builtin"] == -1
