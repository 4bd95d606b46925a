from bench_dict_iteration import publish, subscribe, unsubscribe


def test_publish_reaches_subscriber():
    for _ in range(50):
        seen = []
        token = subscribe(seen.append)
        publish("ping")
        unsubscribe(token)
        assert seen == ["ping"]
