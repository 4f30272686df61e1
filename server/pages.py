"""What page routes do the same way: say what happened on the next page (a flash in the session
and a 303 redirect after a form), and take that flash to show it once."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response


def flashed(
    request: Request, flash: str, route: str, anchor: str = "", **params: object
) -> Response:
    """Back to a page (the named route, and an anchor in it), which says ``flash`` once."""
    request.session["flash"] = flash
    return RedirectResponse(str(request.url_for(route, **params)) + anchor, status_code=303)


def flash(request: Request) -> str | None:
    """The flash the last redirect left, taken so it shows once."""
    return request.session.pop("flash", None)
