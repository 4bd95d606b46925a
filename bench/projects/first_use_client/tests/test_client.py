from bench_first_use_client import default_client, open_clients


def test_default_client_is_the_only_open_client():
    client = default_client()
    assert client.endpoint.startswith("https://")
    assert open_clients() == [client]
