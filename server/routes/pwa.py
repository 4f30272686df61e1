"""What makes Muster an installable, offline app: the service worker, the manifest, the offline
page and the outbox page."""

from __future__ import annotations

import hashlib
import json

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from server.action_names import KindNames
from server.assets import AssetRegistry
from server.auth import public, requires_role
from server.checklists.present import item_texts
from server.i18n import current_locale
from server.i18n import gettext as _
from server.journeys import find, journey_url
from server.labels import EVENT_LABELS
from server.settings import ROOT
from server.templating import render

SW_PARTS = ["precache.js", "routes.js", "sync.js", "push.js"]
OFFLINE_URL = "/offline"
THEME = "#0b4fa3"
SHORTCUTS = ["threat-call", "bleeding-control", "report"]  # journeys a long press on the icon opens


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


@public
async def service_worker(request: Request) -> Response:
    source = service_worker_source(request.app.state.assets, request.url_for("sign_out").path)
    headers = {"Cache-Control": "no-cache", "Service-Worker-Allowed": "/"}
    return Response(source, media_type="text/javascript", headers=headers)


@public
async def manifest(request: Request) -> Response:
    assets: AssetRegistry = request.app.state.assets

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

    body = {
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
        "shortcuts": [
            shortcut(_(journey.title), journey_url(request, journey))
            for journey in map(find, SHORTCUTS)
            if journey is not None
        ],
    }
    return JSONResponse(
        body, media_type="application/manifest+json", headers={"Cache-Control": "no-cache"}
    )


@public
async def offline(request: Request) -> Response:
    return render(request, "offline.html", {"user": None, "offline_urls": []})


@requires_role()
async def outbox(request: Request) -> Response:
    labels = {kind: _(label) for kind, label in EVENT_LABELS.items()}
    locale = current_locale.get()
    every = list(request.app.state.checklists.checklists.values())
    context = {
        "event_labels": labels,
        # Every checklist, not only the person's: an answer saved before a change of role is
        # still named by its words.
        "checklist_texts": item_texts(every, locale),
        "alert_names": dict(KindNames()),
    }
    return render(request, "outbox.html", context)


routes = [
    Route("/sw.js", service_worker, name="service_worker"),
    Route("/manifest.webmanifest", manifest, name="manifest"),
    Route(OFFLINE_URL, offline, name="offline"),
    Route("/outbox", outbox, name="outbox"),
]
