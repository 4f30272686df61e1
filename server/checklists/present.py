"""Answers as people read them: on the run page, in print and in the CSV export."""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import Any

from server.checklists.schema import Checklist, Chips, Choice, Item, Number
from server.i18n import gettext as _


def present(item: Item, value: Any, locale: str, tz: tzinfo | None = None) -> str:
    """An answer in words; times on the district's clock ``tz`` (the phone sends UTC)."""
    if value is None:
        return ""
    kind = item.kind
    if kind == "check":
        return _("Done")
    if kind == "yes_no":
        return _("Yes") if value else _("No")
    if isinstance(item, Choice | Chips):
        labels = {o.id: o.label.get(locale) for o in item.options}
        return ", ".join(
            labels.get(v) or v for v in (value if isinstance(value, list) else [value])
        )
    if kind in ("timestamp", "stopwatch", "countdown"):
        moment = datetime.fromisoformat(value)
        if tz is not None and moment.tzinfo is not None:
            moment = moment.astimezone(tz)
        return moment.strftime("%Y-%m-%d %H:%M:%S %Z").strip()
    if kind == "location":
        return _("%(lat)s, %(lon)s (within %(acc)s m)") % {
            "lat": f"{value['latitude']:.5f}",
            "lon": f"{value['longitude']:.5f}",
            "acc": round(value["accuracy"]),
        }
    if kind == "action":
        return _("Alert raised")
    if kind == "photo":
        return _("Photo attached")
    if isinstance(item, Number) and item.unit:
        return f"{value:g} {item.unit.get(locale)}"
    return str(value)


def rows(
    checklist: Checklist, answers: dict[str, Any], locale: str, tz: tzinfo | None = None
) -> list[dict[str, Any]]:
    """Every item in order, with its answer (blank when none), for the run page and the CSV."""
    result = []
    for section in checklist.sections:
        for item in section.items:
            value = answers.get(item.id)
            result.append(
                {
                    "section": section.title.get(locale),
                    "item": item,
                    "text": item.text.get(locale),
                    "answer": present(item, value, locale, tz),
                    "answered": value is not None,
                }
            )
    return result


def item_texts(checklists: list[Checklist], locale: str) -> dict[str, dict[str, Any]]:
    """Each checklist's title and its items' texts, by id, in one language: for pages that only
    have a checklist's events (the outbox) and must name an item by its words, never its id."""
    return {
        checklist.id: {
            "title": checklist.title.get(locale),
            "items": {item.id: item.text.get(locale) for item in checklist.items()},
        }
        for checklist in checklists
    }
