"""One rule for what comes in from outside (events, JSON bodies, forms and query strings).

Text is valid UTF-8 with no NUL and no lone surrogate (what a JS ``slice()`` through an emoji
makes); numbers are finite and no larger than a double holds exactly; times lie between 2000 and
a day ahead and are kept in UTC. A value outside is refused with a reason a person can read,
before anything is stored: PostgreSQL refuses NUL and surrogates outright, and a year-9999 time
breaks every page that adds an hour to it.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any

import orjson
from pydantic import AfterValidator, AwareDatetime, Field, NaiveDatetime
from pydantic_core import PydanticCustomError

from server.i18n import N_

MAX_NUMBER = 2**53  # beyond this a JSON number is no longer exact in a phone's JavaScript
MAX_DEPTH = 16  # within one event: its payload is rarely more than 3 deep
# A whole body, checked before parsing (the parser recurses): far past any event, so an event
# nested too deeply is refused on its own and only a body no phone makes is refused whole.
MAX_BODY_DEPTH = 100
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
AHEAD = timedelta(days=1)  # a phone's clock may run fast; more than this is a broken clock
EARLIEST_DAY, LATEST_DAY = date(2000, 1, 1), date(2200, 12, 31)  # dates people type in forms

_BAD_TEXT = re.compile("[\x00\ud800-\udfff]")
_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"')
_NOT_BRACKETS = bytes(set(range(256)) - set(b"[]{}"))


class BadBody(ValueError):
    """A body that isn't JSON we will read; the message is for a person (mark it with N_)."""


class _Unreadable(float):
    """A number literal too long to be a number (4,300 digits make Python's int() refuse): kept
    as infinity so the event holding it is refused on its own, not the batch."""


def _int(literal: str) -> int | float:
    return int(literal) if len(literal) <= 20 else _Unreadable("inf")


def depth(body: bytes) -> int:
    """How deeply the JSON in ``body`` nests, counted without parsing it (strings removed)."""
    return _depth(_STRING.sub(b"", body))


def _depth(outside_strings: bytes) -> int:
    level = deepest = 0
    for byte in outside_strings.translate(None, _NOT_BRACKETS):
        level += 1 if byte in b"[{" else -1
        deepest = max(deepest, level)
    return deepest


# Outside strings, a number that may be past MAX_NUMBER: 16 digits in a row, or an exponent.
_LARGE_NUMBER = re.compile(rb"\d{16}|\d[eE]")
_NUL = b"\\u0000"  # the only way a NUL gets into a string orjson reads: the escape


def loads(body: bytes) -> Any:
    """JSON from a request body, its depth bounded before parsing. Odd numbers and text are
    parsed, not refused: ``problem`` refuses them per event, so one event can't fail a batch."""
    return read_json(body)[0]


def read_json(body: bytes) -> tuple[Any, bool]:
    """``loads``, and whether every value in the body is known to pass ``problem`` without
    walking it (True for nearly every body a phone sends: a sync batch checks once, not per
    value). orjson refuses lone surrogates, NaN and infinities; what it lets through and
    ``problem`` refuses shows in the bytes: a NUL's escape, a long number or an exponent
    outside strings, nesting deeper than ``MAX_DEPTH``. False only means: ask ``problem``."""
    outside_strings = _STRING.sub(b"", body)
    levels = _depth(outside_strings)
    if levels > MAX_BODY_DEPTH:
        raise BadBody(N_("The request nests too deeply."))
    try:  # orjson first: several times faster, and what nearly every body is
        data = orjson.loads(body)
    except orjson.JSONDecodeError:
        pass  # a lone surrogate, NaN or 1e309 in one event: read it slowly, judge it per event
    else:
        clean = (
            levels <= MAX_DEPTH
            and _NUL not in body
            and _LARGE_NUMBER.search(outside_strings) is None
        )
        return data, clean
    try:
        return json.loads(body, parse_int=_int), False
    except (ValueError, RecursionError):  # JSONDecodeError and bad UTF-8 are ValueErrors
        raise BadBody(N_("The request is not valid JSON.")) from None


def text_problem(text: str) -> str | None:
    if _BAD_TEXT.search(text):
        return N_("It contains a character that can't be stored (a NUL or half an emoji).")
    return None


def problem(value: Any, level: int = 0) -> str | None:
    """Why ``value`` (parsed JSON) can't be taken, in words for a person, or None."""
    if isinstance(value, str):
        return text_problem(value)
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        if (isinstance(value, float) and not math.isfinite(value)) or abs(value) > MAX_NUMBER:
            return N_("It contains a number too large to be real.")
        return None
    if level >= MAX_DEPTH:
        return N_("It nests too deeply.")
    if isinstance(value, dict):
        items = [*value.keys(), *value.values()]
    elif isinstance(value, list):
        items = value
    else:
        return N_("It contains a value that isn't JSON.")
    for item in items:
        found = problem(item, level + 1)
        if found:
            return found
    return None


def in_window(moment: datetime, now: datetime | None = None) -> datetime:
    """``moment`` in UTC, if it lies from 2000 to a day ahead; ValueError otherwise."""
    moment = real_time(moment)
    if moment < EARLIEST:
        raise ValueError("the time is before 2000")
    if moment > (now or datetime.now(UTC)) + AHEAD:
        raise ValueError("the time is more than a day ahead: check the phone's clock")
    return moment


def real_time(moment: datetime) -> datetime:
    """``moment`` in UTC, if it is a time a clock can show, however wrong (a phone whose clock
    reset to 1980, or runs a week fast); ValueError otherwise. The window (``in_window``) is
    checked once the phone's clock is corrected (``server/events/clock.py``)."""
    try:
        moment = moment.astimezone(UTC)
    except (OverflowError, ValueError):  # 9999-12-31T23:59-12:00 is past the calendar's end
        raise ValueError("the time is not a real one") from None
    if not CLOCKS_FROM <= moment <= CLOCKS_TO:
        raise ValueError("the time is not a real one")
    return moment


# A phone's clock may be very wrong and still tell its skew; a time outside these is no clock's.
CLOCKS_FROM, CLOCKS_TO = datetime(1970, 1, 1, tzinfo=UTC), datetime(2200, 1, 1, tzinfo=UTC)
# Every time an event carries: a real time, kept in UTC; in the window after skew correction.
EventTime = Annotated[AwareDatetime, AfterValidator(real_time)]


def day_in_range(day: date) -> date:
    """A date typed in a form or a filter: from 2000 to 2200, so adding a day (or a time zone)
    can't run off the calendar."""
    if not EARLIEST_DAY <= day <= LATEST_DAY:
        raise PydanticCustomError("date_range", "the date is not between 2000 and 2200")
    return day


def _moment_in_range(moment: datetime) -> datetime:
    day_in_range(moment.date())
    return moment


Day = Annotated[date, AfterValidator(day_in_range)]
LocalMoment = Annotated[NaiveDatetime, AfterValidator(_moment_in_range)]  # a form's date and time


def query_day(raw: str | None) -> date | None:
    """A date filter from a query string; None when it is not a date we can search by."""
    try:
        return day_in_range(date.fromisoformat(raw)) if raw else None
    except (ValueError, PydanticCustomError):
        return None


def query_text(raw: str | None, limit: int) -> str:
    """A text filter from a query string; empty when it could never match a stored value."""
    text = (raw or "")[:limit]
    return "" if text_problem(text) else text


# Places and counts, as forms and events take them: finite, on the earth, not absurd.
Latitude = Annotated[float, Field(ge=-90, le=90, allow_inf_nan=False)]
Longitude = Annotated[float, Field(ge=-180, le=180, allow_inf_nan=False)]
Count = Annotated[int, Field(ge=0, le=1_000_000)]


def one_line_breaks(value: str) -> str:
    """Browsers send a textarea's line breaks as CR LF (old Macs' text, CR alone): store LF."""
    return value.replace("\r\n", "\n").replace("\r", "\n")


def _text(min_length: int, max_length: int, lines: bool) -> Callable[[str], str]:
    def clean(value: str) -> str:
        """NFC-normalised, stripped, free of control characters (PostgreSQL refuses NUL); in a
        multi-line field, line breaks of any kind become LF first."""
        if len(value) > max_length * 4:  # don't normalise megabytes only to refuse them
            raise PydanticCustomError("string_too_long", "too long", {"max_length": max_length})
        if lines:
            value = one_line_breaks(value)
        value = unicodedata.normalize("NFC", value).strip()
        if any(unicodedata.category(ch) == "Cc" and ch not in "\n\t" for ch in value):
            raise PydanticCustomError("control_chars", "control characters")
        if len(value) < min_length:
            raise PydanticCustomError("string_too_short", "too short", {"min_length": min_length})
        if len(value) > max_length:
            raise PydanticCustomError("string_too_long", "too long", {"max_length": max_length})
        return value

    return clean


def Text(max_length: int, min_length: int = 1, *, lines: bool = False) -> AfterValidator:
    """Free text, as ``Annotated[str, Text(200)]`` in forms, events and contexts alike;
    ``lines=True`` for a multi-line field (a textarea)."""
    return AfterValidator(_text(min_length, max_length, lines))
