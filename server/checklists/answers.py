"""What counts as a valid answer for each item kind, checked on the server for every event."""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

from server.checklists.schema import ANSWERABLE, Checklist, Chips, Choice, Item, Number, ShortText
from server.i18n import N_
from server.i18n import gettext as _

LONG_TEXT_LIMIT = 20_000  # "never cut short" on the phone; a bound here only stops abuse


class InvalidAnswer(ValueError):
    """The reason is shown to the person under "needs attention", in their language: a message
    marked with N_ and its values, translated by ``reason``. It never names an item or an
    option by its id; the handler names the item by its words."""

    def __init__(self, message: str, **values: Any) -> None:
        super().__init__(message % values if values else message)
        self.message = message
        self.values = values

    def reason(self) -> str:
        text = _(self.message)
        return text % self.values if self.values else text


def find_item(checklist: Checklist, item_id: str) -> Item:
    for item in checklist.items():
        if item.id == item_id:
            return item
    raise InvalidAnswer(N_("this checklist has no such question"))


def _moment(value: Any) -> str:
    if not isinstance(value, str):
        raise InvalidAnswer(N_("the answer must be a date and time"))
    try:
        datetime.fromisoformat(value)
    except ValueError as error:
        raise InvalidAnswer(N_("the answer must be a date and time")) from error
    return value


def _number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise InvalidAnswer(N_("the answer must be a number"))
    return value


def validate_answer(item: Item, value: Any) -> Any:
    """Return the value to store, or raise InvalidAnswer. ``None`` clears an answer."""
    kind = item.kind
    if kind not in ANSWERABLE:
        raise InvalidAnswer(N_("this step is an instruction and takes no answer"))
    if value is None:
        return None
    if kind == "check":
        if value is not True:
            raise InvalidAnswer(N_("a check is either done or not done"))
    elif kind == "yes_no":
        if not isinstance(value, bool):
            raise InvalidAnswer(N_("the answer must be yes or no"))
    elif kind in ("text", "long_text"):
        limit = item.max_length if isinstance(item, ShortText) else LONG_TEXT_LIMIT
        if not isinstance(value, str) or len(value) > limit or "\x00" in value:
            raise InvalidAnswer(N_("the text must be at most %(n)s characters"), n=limit)
    elif isinstance(item, Number):
        number = _number(value)
        low, high = item.min, item.max
        if (low is not None and number < low) or (high is not None and number > high):
            raise InvalidAnswer(
                N_("the number must be from %(low)s to %(high)s"),
                low="-∞" if low is None else f"{low:g}",
                high="∞" if high is None else f"{high:g}",
            )
    elif kind == "headcount":
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10_000:
            raise InvalidAnswer(N_("the count must be a whole number of people"))
    elif isinstance(item, Choice | Chips):
        options = {option.id for option in item.options}
        chosen = value if kind == "chips" else [value]
        if not isinstance(chosen, list) or not all(
            isinstance(v, str) and v in options for v in chosen
        ):
            raise InvalidAnswer(N_("the answer must be one of the options offered"))
        if kind == "chips" and len(set(chosen)) != len(chosen):
            raise InvalidAnswer(N_("an option is chosen twice"))
    elif kind in ("timestamp", "stopwatch", "countdown"):
        _moment(value)
    elif kind == "location":
        _location(value)
    elif kind in ("photo", "action"):
        key = "upload_id" if kind == "photo" else "alert_id"
        if not isinstance(value, dict) or set(value) != {key} or not isinstance(value[key], str):
            raise InvalidAnswer(N_("this answer does not say what it refers to"))
    return value


def _location(value: Any) -> None:
    if not isinstance(value, dict) or set(value) != {"latitude", "longitude", "accuracy"}:
        raise InvalidAnswer(N_("a position needs latitude, longitude and accuracy"))
    lat, lon, acc = (_number(value[k]) for k in ("latitude", "longitude", "accuracy"))
    if not (-90 <= lat <= 90 and -180 <= lon <= 180 and acc >= 0):
        raise InvalidAnswer(N_("the position is out of range"))
