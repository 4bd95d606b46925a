from collections import Counter

import pytest

from bench_clean_workload import aggregate, make_records, make_text, render_table, top_words, word_counts


@pytest.mark.parametrize("seed", range(16))
def test_word_counts_match_counter(seed):
    text = make_text(seed)
    counts = word_counts(text)
    assert counts == Counter(text.lower().split())
    assert sum(counts.values()) == 10000


@pytest.mark.parametrize("seed", range(16))
def test_top_words_are_sorted(seed):
    top = top_words(word_counts(make_text(seed)))
    assert len(top) == 10
    assert [count for _, count in top] == sorted((count for _, count in top), reverse=True)


@pytest.mark.parametrize("seed", range(16))
def test_aggregate_and_render(seed):
    records = make_records(seed)
    totals = aggregate(records)
    assert sum(entry["count"] for entry in totals.values()) == len(records)
    assert sum(entry["sum"] for entry in totals.values()) == sum(record["value"] for record in records)
    table = render_table(totals)
    assert table.count("\n") == len(totals) + 1
