"""What page routes do the same way: say what happened on the next page (a flash in the session
and a 303 redirect after a form), take that flash to show it once, and render a page with a map."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from server.maps import map_config, map_headers, sites_json
from server.settings import Settings
from server.templating import render


def flashed(
    request: Request, flash: str, route: str, anchor: str = "", **params: object
) -> Response:
    """Back to a page (the named route, and an anchor in it), which says ``flash`` once."""
    request.session["flash"] = flash
    return RedirectResponse(str(request.url_for(route, **params)) + anchor, status_code=303)


def flash(request: Request) -> str | None:
    """The flash the last redirect left, taken so it shows once, by the page the person sees: the
    service worker's background refresh of kept pages (marked ``Muster-Background``) leaves it,
    or a refresh landing between a form and its redirect would take the form's "saved"."""
    if request.headers.get("Muster-Background"):
        return None
    return request.session.pop("flash", None)


def with_map(request: Request, page: str, context: dict[str, Any], status: int = 200) -> Response:
    """A page with a map of the context's ``sites``: its settings, and the tile server allowed."""
    settings: Settings = request.app.state.settings
    context = context | {"sites_json": sites_json(context["sites"]), "map": map_config(settings)}
    response = render(request, page, context, status_code=status)
    response.headers.update(map_headers(settings))  # the tile server, for the map
    return response
