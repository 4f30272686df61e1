"""What a phone receives for an alert: a small JSON notification, in the person's language."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from server.alerts import Alert, kind_of
from server.i18n import LANGUAGES, current_locale
from server.i18n import gettext as _

MAX_BODY = 600  # characters of message in the notification: the payload stays far under 4 KB


@contextmanager
def speaking(locale: str | None, default: str = "en") -> Iterator[None]:
    token = current_locale.set(locale if locale in LANGUAGES else default)
    try:
        yield
    finally:
        current_locale.reset(token)


def name(alert: Alert) -> str:
    """What kind of alert, in words (a message's own title), without the drill mark."""
    return alert.title if alert.kind == "custom" and alert.title else _(kind_of(alert.kind).title)


def title(alert: Alert) -> str:
    """The title every surface shows: a drill says so first, always."""
    return _("DRILL: %(title)s") % {"title": name(alert)} if alert.drill else name(alert)


def body(alert: Alert) -> str:
    text = alert.message or _(kind_of(alert.kind).what)
    if alert.drill:
        text = _("This is a drill.") + " " + text
    return text[:MAX_BODY]


def notification(
    alert: Alert, user_id: int, locale: str | None, icons: dict[str, str], default: str = "en"
) -> dict[str, Any]:
    info = kind_of(alert.kind)
    with speaking(locale, default):
        return {
            "alert": str(alert.id),
            "user": user_id,
            "kind": alert.kind,
            "severity": alert.severity,
            "drill": alert.drill,
            "title": title(alert),
            "body": body(alert),
            "at": alert.raised_at.isoformat(),
            "icon": icons.get(info.icon, ""),
            "badge": icons.get("icons/icon-192.png", ""),
            "colour": info.colour,
            "vibrate": list(info.vibrate),
            "url": f"/alerts/{alert.id}",
            "actions": [
                {"action": "safe", "title": _("I'm safe")},
                {"action": "help", "title": _("Need help")},
            ],
        }


def encode(message: dict[str, Any]) -> bytes:
    return json.dumps(message, separators=(",", ":"), ensure_ascii=False).encode()
