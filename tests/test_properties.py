"""Property tests, bounded: generated postings (words, role names, HTML, entities, punctuation, emoji,
invisible and any non-surrogate characters) keep the invariants of `invariants.broken_invariants`."""
from __future__ import annotations

import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from invariants import INVISIBLE, POOLS, ROLES, WORDS, broken_invariants, broken_row_invariants, random_posting

piece = st.one_of(
    *(st.sampled_from(pool) for pool in POOLS),
    st.text(st.characters(exclude_categories=["Cs"]), max_size=12),
    st.builds(lambda word, mark, at: word[:at] + mark + word[at:], st.sampled_from(WORDS + ROLES),
              st.sampled_from(INVISIBLE), st.integers(0, 12)),
)
separator = st.sampled_from(["", " ", "\n", " - "])
postings = st.lists(st.tuples(piece, separator), max_size=40).map(lambda parts: "".join(p + s for p, s in parts))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=postings, title=st.none() | postings)
def test_generated_postings_keep_the_invariants(classifier, text, title):
    assert broken_invariants(classifier, text, title) == []


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 2**32))
def test_generated_rows_keep_the_invariants(classifier, seed):
    rng = random.Random(seed)
    rows = classifier.classify_rows([(random_posting(rng), random_posting(rng, 4) or None) for _ in range(20)])
    assert all(broken_row_invariants(row) == [] for row in rows)
