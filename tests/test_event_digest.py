"""An event's digest is the SHA-256 of its canonical JSON; the digests of events stored before
orjson wrote that JSON must stay the same, or a phone resending one of them would be told its
event "was already used for different content"."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from server.edge import MAX_NUMBER
from server.events.ingest import canonical


def stdlib(value) -> bytes:
    """How the digest's JSON was written before: the standard library's."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)))  # surrogates never get here
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-MAX_NUMBER, MAX_NUMBER)
    | st.floats(-float(MAX_NUMBER), float(MAX_NUMBER), allow_nan=False)
    | TEXT
)
PAYLOADS = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=3000, deadline=None)
@given(PAYLOADS)
def test_the_canonical_json_is_byte_for_byte_the_standard_librarys(value):
    assert canonical(value) == stdlib(value)


def test_numbers_orjson_writes_its_own_way_take_the_standard_form():
    for value in (6.103515625e-05, 1e-07, 0.0, -0.0, 2.5e15, 1e15, 0.0001, 37.7749, -122.4194):
        assert canonical({"n": value}) == stdlib({"n": value}), value
    assert canonical({"é": "niño 🚌", "a": [1, "1e5"]}) == stdlib({"é": "niño 🚌", "a": [1, "1e5"]})
