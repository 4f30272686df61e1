"""Hypothesis strategies for the fuzz suite (tests/test_fuzz.py): values made from a pydantic
model's JSON schema, so a new event type or form is fuzzed without anyone writing a strategy,
then mutated the way an attacker or a buggy phone would (types, sizes, unicode, numbers, dates,
nesting, other organisations' ids)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from hypothesis import strategies as st

# Values no event or form should ever be stored with, and none may make the server fail.
HOSTILE_TEXT = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\ud83d",  # half an emoji, what a JS slice() through one makes
    "x\udc00",
    "\u202e\u0645\ufeff",
    "<script>alert(1)</script>",
    "<b>bold</b>",
    "%(x)s %s %",
    "{{ 7*7 }}",
    "=SUM(A1)",
    "-121.4865",
    "a/b",
    "../../etc/passwd",
    "9999-12-31T23:59:59-12:00",
    "0001-01-01T00:00:00+14:00",
    "1999-12-31T23:59:59Z",
    "2026-02-30T10:00:00Z",
    "²",
    "٣",
    "x" * 5000,
]
HOSTILE_NUMBERS = [0, -1, 2**31, 2**53 + 1, 10**30, -(10**30), 1e308, -0.0, 0.5, 1e-320]
# Written into the JSON text as they are: literals Python's json.dumps can't make.
RAW_LITERALS = ["1e309", "-1e309", "NaN", "Infinity", "9" * 5000]
RAW = "__raw_literal_{}__"


def hostile() -> st.SearchStrategy[Any]:
    return st.one_of(
        st.sampled_from(HOSTILE_TEXT),
        st.sampled_from(HOSTILE_NUMBERS),
        st.sampled_from([RAW.format(i) for i in range(len(RAW_LITERALS))]),
        st.sampled_from([None, True, False, [], {}, [None], {"": ""}]),
        st.integers(1, 60).map(_nested),
        st.text(max_size=40),
        st.text(st.characters(categories=["Cs", "Cc", "Lu", "So"]), max_size=10),  # surrogates too
    )


def _nested(depth: int) -> Any:
    value: Any = "deep"
    for level in range(depth):
        value = [value] if level % 2 else {"k": value}
    return value


def raw_json(text: str) -> str:
    """``json.dumps`` output with the raw literals put in place of their markers."""
    for i, literal in enumerate(RAW_LITERALS):
        text = text.replace(f'"{RAW.format(i)}"', literal)
    return text


def moments(now: datetime) -> st.SearchStrategy[str]:
    """Times a phone might send: mostly recent, in any offset the world uses."""
    offsets = st.integers(-12 * 4, 14 * 4).map(lambda q: timezone(timedelta(minutes=15 * q)))
    ago = st.integers(-2 * 3600, 30 * 86400).map(lambda s: now - timedelta(seconds=s))
    return st.builds(lambda at, tz: at.astimezone(tz).isoformat(), ago, offsets)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-1000, 1000) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=6,
)


class FromSchema:
    """A strategy for the values a JSON schema allows. ``pools`` give, by property name, the
    values worth drawing most of the time (ids of records that exist, here and elsewhere), so
    that generated events reach past "not found" into the handlers."""

    def __init__(self, schema: dict, pools: dict[str, list] | None = None) -> None:
        self.defs = schema.get("$defs", {})
        self.schema = schema
        self.pools = pools or {}
        self.now = datetime.now(UTC)

    def strategy(self) -> st.SearchStrategy[Any]:
        return self._for(self.schema)

    def _for(self, schema: dict, name: str = "") -> st.SearchStrategy[Any]:
        if "$ref" in schema:
            return self._for(self.defs[schema["$ref"].split("/")[-1]], name)
        plain = self._plain(schema, name)
        pool = self.pools.get(name)
        return st.one_of(st.sampled_from(pool), plain) if pool else plain

    def _plain(self, schema: dict, name: str) -> st.SearchStrategy[Any]:
        if "const" in schema:
            return st.just(schema["const"])
        if "enum" in schema:
            return st.sampled_from(schema["enum"])
        for key in ("anyOf", "oneOf"):
            if key in schema:
                return st.one_of([self._for(option, name) for option in schema[key]])
        if "allOf" in schema:
            return self._for(schema["allOf"][0], name)
        kind = schema.get("type")
        if isinstance(kind, list):
            return st.one_of([self._plain({**schema, "type": k}, name) for k in kind])
        if kind == "object":
            return self._object(schema)
        if kind == "array":
            items = self._for(schema.get("items", {}), name)
            high = min(schema.get("maxItems", 3), 3)
            return st.lists(items, min_size=min(schema.get("minItems", 0), high), max_size=high)
        if kind == "string":
            return self._string(schema)
        if kind == "integer":
            low, high = _bounds(schema, -(10**6), 10**6)
            return st.integers(int(low), int(high))
        if kind == "number":
            low, high = _bounds(schema, -1e6, 1e6)
            return st.floats(low, high, allow_nan=False, allow_infinity=False)
        if kind == "boolean":
            return st.booleans()
        if kind == "null":
            return st.none()
        return JSON_VALUES  # Any

    def _string(self, schema: dict) -> st.SearchStrategy[str]:
        form = schema.get("format")
        if form == "uuid":
            return st.uuids().map(str)
        if form == "date-time":
            return moments(self.now)
        if form == "date":
            return st.dates().map(lambda d: d.isoformat())
        if "pattern" in schema:
            high = schema.get("maxLength", 64)
            return st.from_regex(schema["pattern"], fullmatch=True).filter(lambda s: len(s) <= high)
        low, high = schema.get("minLength", 0), min(schema.get("maxLength", 80), 80)
        return st.text(min_size=low, max_size=max(low, high))

    def _object(self, schema: dict) -> st.SearchStrategy[dict]:
        props = schema.get("properties", {})
        required = set(schema.get("required", []))
        fixed = {k: self._for(v, k) for k, v in props.items() if k in required}
        optional = {k: self._for(v, k) for k, v in props.items() if k not in required}
        extra = schema.get("additionalProperties")
        base = st.fixed_dictionaries(fixed, optional=optional)
        if isinstance(extra, dict) and not props:
            keys = self._for(schema.get("propertyNames", {"type": "string"}))
            return st.dictionaries(keys, self._for(extra), max_size=3)
        return base


def _bounds(schema: dict, low: float, high: float) -> tuple[float, float]:
    low = schema.get("minimum", schema.get("exclusiveMinimum", low))
    high = schema.get("maximum", schema.get("exclusiveMaximum", high))
    if "exclusiveMinimum" in schema:
        low = low + 1 if schema.get("type") == "integer" else low + 1e-6
    if "exclusiveMaximum" in schema:
        high = high - 1 if schema.get("type") == "integer" else high - 1e-6
    return low, high


def _paths(value: Any, prefix: tuple = ()) -> list[tuple]:
    found = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _paths(item, (*prefix, index))
    return found


def _replace(value: Any, path: tuple, new: Any) -> Any:
    if not path:
        return new
    head, rest = path[0], path[1:]
    if isinstance(value, dict):
        return {**value, head: _replace(value[head], rest, new)}
    copy = list(value)
    copy[head] = _replace(copy[head], rest, new)
    return copy


def _delete(value: Any, path: tuple) -> Any:
    parent = path[:-1]
    holder = value
    for part in parent:
        holder = holder[part]
    if isinstance(holder, dict):
        smaller = {k: v for k, v in holder.items() if k != path[-1]}
    else:
        smaller = [v for i, v in enumerate(holder) if i != path[-1]]
    return _replace(value, parent, smaller)


@st.composite
def mutated(draw: st.DrawFn, valid: Any) -> tuple[str, Any]:
    """``valid`` as it was ("valid"), or with one thing broken: a value swapped for a hostile
    one, a key dropped, an unknown key added, a value's type changed."""
    how = draw(st.sampled_from(["valid"] * 4 + ["hostile", "hostile", "drop", "extra", "type"]))
    paths = _paths(valid)
    path = draw(st.sampled_from(paths))
    if how == "hostile":
        return how, _replace(valid, path, draw(hostile()))
    if how == "drop" and path:
        return how, _delete(valid, path)
    if how == "extra" and isinstance(valid, dict):
        return how, {**valid, draw(st.sampled_from(["x", "\x00", "<b>", "%s", "id"])): 1}
    if how == "type":
        return how, _replace(valid, path, draw(st.sampled_from([[], {}, "1", 1, None, True])))
    return "valid", valid
