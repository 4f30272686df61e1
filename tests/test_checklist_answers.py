"""Server-side answer checks: every kind accepts its own shape and refuses others."""

from __future__ import annotations

import pytest

from server.checklists.answers import InvalidAnswer, find_item, validate_answer
from server.checklists.library import load_file
from tests.helpers import checklist, write

GOOD = {
    "tick": [True, None],
    "yes-or-no": [True, False],
    "short": ["ok", "x" * 50],
    "exact-words": ["He said: " + "word " * 3000],
    "weight": [0, 120.5, 500],
    "one-of": ["a", "b"],
    "some-of": [[], ["a"], ["b", "a"]],
    "when": ["2026-11-28T06:10:00+00:00", "2026-11-28T06:10:00.123Z"],
    "lightning": ["2026-11-28T06:10:00+00:00"],
    "count": [0, 27],
    "where": [{"latitude": 38.5, "longitude": -121.4, "accuracy": 12}],
    "picture": [{"upload_id": "0b5c7f0e-1d9a-4c1e-9f51-3a1e7b3c2d10"}],
    "alarm": [{"alert_id": "5d0c1c1e-2b6b-4a8e-8f7a-1b2c3d4e5f60"}],
}
BAD = {
    "read-this": [True],
    "tick": [False, "yes", 1],
    "yes-or-no": ["true", 0],
    "short": ["x" * 51, 5, "nul\x00"],
    "weight": [-1, 501, "12", True, float("nan")],
    "one-of": ["c", ["a"], 1],
    "some-of": ["a", ["a", "a"], ["z"]],
    "when": ["yesterday", 1700000000],
    "count": [-1, 2.5, True, 10_001],
    "where": [{"latitude": 91, "longitude": 0, "accuracy": 1}, {"lat": 1}, [1, 2]],
    "picture": [{"upload_id": 5}, "file.jpg"],
    "alarm": [{}, {"alert_id": "x", "extra": 1}],
}


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    return load_file(write(tmp_path_factory.mktemp("c"), checklist()))


@pytest.mark.parametrize(("item_id", "values"), GOOD.items())
def test_good_answers_pass(sample, item_id, values):
    item = find_item(sample, item_id)
    for value in values:
        assert validate_answer(item, value) == value


@pytest.mark.parametrize(("item_id", "values"), BAD.items())
def test_bad_answers_are_refused_with_a_reason(sample, item_id, values):
    item = find_item(sample, item_id)
    for value in values:
        with pytest.raises(InvalidAnswer) as caught:
            validate_answer(item, value)
        assert str(caught.value)


def test_unknown_item(sample):
    with pytest.raises(InvalidAnswer, match="has no such question"):
        find_item(sample, "ghost")
