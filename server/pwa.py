"""What makes Muster an installable, offline app, as the routes in server/routes/pwa.py serve it:
the service worker's source, assembled from its parts, and the web app manifest."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from server.action_names import KindNames
from server.assets import AssetRegistry
from server.checklists.library import Library
from server.checklists.present import item_texts
from server.i18n import current_locale
from server.i18n import gettext as _
from server.labels import EVENT_LABELS
from server.settings import ROOT

SW_PARTS = ["precache.js", "routes.js", "sync.js", "push.js"]
OFFLINE_URL = "/offline"
THEME = "#0b4fa3"


def service_worker_source(assets: AssetRegistry, sign_out_url: str) -> str:
    """The worker: a header naming this version and its precache list, then its parts."""
    parts = [(ROOT / "service_worker" / name).read_text(encoding="utf-8") for name in SW_PARTS]
    shell = [assets.url(name) for name in assets.names() if not name.endswith(".md")]
    hashed = [*shell, *parts, OFFLINE_URL, sign_out_url]
    fingerprint = hashlib.sha256("\n".join(hashed).encode()).hexdigest()[:16]
    header = "\n".join(
        [
            "// Muster service worker, assembled by the server (see service_worker/README.md).",
            f"const VERSION = {json.dumps(fingerprint)};",
            f"const OFFLINE_URL = {json.dumps(OFFLINE_URL)};",
            f"const SIGN_OUT_URL = {json.dumps(sign_out_url)};",
            f"const PRECACHE = {json.dumps([*shell, OFFLINE_URL], indent=1)};",
            f"importScripts({json.dumps(assets.url('js/outbox-core.js'))});",
            "",
        ]
    )
    return header + "\n".join(parts)


def manifest_body(assets: AssetRegistry, shortcuts: list[tuple[str, str]]) -> dict[str, Any]:
    """The web app manifest, with the shortcuts (name, url) a long press on the icon offers."""

    def icon(size: int, purpose: str = "any") -> dict[str, str]:
        name = f"icons/{'maskable' if purpose == 'maskable' else 'icon'}-{size}.png"
        return {
            "src": assets.url(name),
            "sizes": f"{size}x{size}",
            "type": "image/png",
            "purpose": purpose,
        }

    def shortcut(name: str, url: str) -> dict[str, object]:
        return {"name": name, "short_name": name, "url": url, "icons": [icon(192)]}

    return {
        "name": "Muster",
        "short_name": "Muster",
        "description": _("School safety in the field, with or without a signal."),
        "lang": current_locale.get(),
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "orientation": "portrait",
        "theme_color": THEME,
        "background_color": "#ffffff",
        "icons": [icon(192), icon(512), icon(512, "maskable")],
        "shortcuts": [shortcut(name, url) for name, url in shortcuts],
    }


def outbox_context(library: Library) -> dict[str, Any]:
    """What the outbox page needs to name, offline, whatever the phone has still to send."""
    labels = {kind: _(label) for kind, label in EVENT_LABELS.items()}
    locale = current_locale.get()
    every = list(library.checklists.values())
    return {
        "event_labels": labels,
        # Every checklist, not only the person's: an answer saved before a change of role is
        # still named by its words.
        "checklist_texts": item_texts(every, locale),
        "alert_names": dict(KindNames()),
    }
