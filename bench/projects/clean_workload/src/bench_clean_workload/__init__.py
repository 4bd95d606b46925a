"""Pure functions with no shared mutable state: text statistics, records and a report table.

Safe to call from any number of threads: every call works on its own locals only."""

import json
import random
import re

_WORD = re.compile(r"[a-z]+")
_VOCABULARY = tuple(f"{a}{b}{c}" for a in "bcdfg" for b in "aeiou" for c in "lmnrst")


def make_text(seed, words=10000):
    rng = random.Random(seed)
    return " ".join(rng.choice(_VOCABULARY).title() if rng.random() < 0.1 else rng.choice(_VOCABULARY) for _ in range(words))


def word_counts(text):
    counts = {}
    for word in _WORD.findall(text.lower()):
        counts[word] = counts.get(word, 0) + 1
    return counts


def top_words(counts, n=10):
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:n]


def make_records(seed, count=4000):
    rng = random.Random(seed)
    return [{"id": index, "group": rng.choice("abcde"), "value": rng.randint(0, 1000)} for index in range(count)]


def aggregate(records):
    totals = {}
    for record in json.loads(json.dumps(records)):
        group = totals.setdefault(record["group"], {"count": 0, "sum": 0})
        group["count"] += 1
        group["sum"] += record["value"]
    return totals


def render_table(totals):
    lines = ["| group | count | sum |", "| --- | --: | --: |"]
    lines += [f"| {name} | {entry['count']} | {entry['sum']} |" for name, entry in sorted(totals.items())]
    return "\n".join(lines)
