"""What makes Muster an installable, offline app: the service worker, the manifest, the offline
page and the outbox page. The worker's source and the manifest are made in server/pwa.py."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from server.auth import public, requires_role
from server.checklists.library import Library
from server.i18n import gettext as _
from server.journeys import find, journey_url
from server.pwa import OFFLINE_URL, manifest_body, outbox_context, service_worker_source
from server.templating import render

SHORTCUTS = ["threat-call", "bleeding-control", "report"]  # journeys a long press on the icon opens


@public
async def service_worker(request: Request) -> Response:
    source = service_worker_source(request.app.state.assets, request.url_for("sign_out").path)
    headers = {"Cache-Control": "no-cache", "Service-Worker-Allowed": "/"}
    return Response(source, media_type="text/javascript", headers=headers)


@public
async def manifest(request: Request) -> Response:
    shortcuts = [
        (_(journey.title), journey_url(request, journey))
        for journey in map(find, SHORTCUTS)
        if journey is not None
    ]
    body = manifest_body(request.app.state.assets, shortcuts)
    return JSONResponse(
        body, media_type="application/manifest+json", headers={"Cache-Control": "no-cache"}
    )


@public
async def offline(request: Request) -> Response:
    return render(request, "offline.html", {"user": None, "offline_urls": []})


@requires_role()
async def outbox(request: Request) -> Response:
    library: Library = request.app.state.checklists
    return render(request, "outbox.html", outbox_context(library))


routes = [
    Route("/sw.js", service_worker, name="service_worker"),
    Route("/manifest.webmanifest", manifest, name="manifest"),
    Route(OFFLINE_URL, offline, name="offline"),
    Route("/outbox", outbox, name="outbox"),
]
