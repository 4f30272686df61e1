"""The only reader of htmx's ``HX-*`` request headers."""

from __future__ import annotations

from starlette.requests import Request


def wants_fragment(request: Request) -> bool:
    """True for an htmx swap; a history restore needs the whole page."""
    return (
        request.headers.get("HX-Request") == "true"
        and request.headers.get("HX-History-Restore-Request") != "true"
    )


def is_htmx(request: Request) -> bool:
    return request.headers.get("HX-Request") == "true"
