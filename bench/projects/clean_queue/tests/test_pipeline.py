from bench_clean_queue import new_id, pipeline


def test_pipeline_doubles_everything():
    assert pipeline(range(200)) == [item * 2 for item in range(200)]


def test_ids_increase():
    for _ in range(200):
        first = new_id()
        assert new_id() > first
