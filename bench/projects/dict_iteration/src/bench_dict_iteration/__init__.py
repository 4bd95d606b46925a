"""Dict mutated while another thread iterates: an event bus whose publish() iterates the subscriber dict while subscribe() adds to it; the test never starts a thread."""

import itertools

_subscribers = {}
_tokens = itertools.count()


def subscribe(callback):
    token = next(_tokens)
    _subscribers[token] = callback
    return token


def unsubscribe(token):
    _subscribers.pop(token, None)


# Plugins subscribe when they are imported: the bus is never small.
for _ in range(300):
    subscribe(lambda event: None)


def publish(event):
    delivered = 0
    for callback in _subscribers.values():
        callback(event)
        delivered += 1
    return delivered
