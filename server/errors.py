"""Friendly error pages (JSON under /api/); no stack trace ever reaches the browser."""

from __future__ import annotations

import logging
from http import HTTPStatus
from urllib.parse import quote

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.types import Receive, Scope, Send

from server.htmx import is_htmx
from server.i18n import N_
from server.i18n import gettext as _
from server.templating import render

log = logging.getLogger("muster")

TITLES = {
    400: N_("That request didn't make sense"),
    401: N_("Please sign in"),
    403: N_("This page is not for your role"),
    404: N_("We can't find that page"),
    405: N_("That action isn't possible here"),
    413: N_("That is too large to send"),
    422: N_("Some details need fixing"),
    429: N_("Too many tries"),
    500: N_("Something went wrong on our side"),
}
ADVICE = {
    403: N_("Ask your school's Muster admin if you need it."),
    404: N_("It may have been moved, or the link is wrong."),
    429: N_("Wait a little, then try again."),
    500: N_("Nothing you saved on this phone is lost. Try again in a minute."),
}


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def error_response(request: Request, status: int, detail: str | None = None) -> Response:
    title = _(TITLES.get(status, TITLES[400] if status < 500 else TITLES[500]))
    message = detail or _(ADVICE.get(status, ""))
    if _wants_json(request):
        return JSONResponse({"error": title, "detail": message}, status_code=status)
    context = {"status": status, "title": title, "message": message}
    return render(request, "error.html", context, status_code=status)


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    detail = exc.detail if isinstance(exc.detail, str) and exc.detail != _phrase(exc) else None
    response = error_response(request, exc.status_code, detail)
    for name, value in (exc.headers or {}).items():
        response.headers[name] = value
    return response


def _phrase(exc: HTTPException) -> str:
    return HTTPStatus(exc.status_code).phrase


async def not_signed_in(request: Request, exc: Exception) -> Response:
    if _wants_json(request):
        return JSONResponse({"error": _("Please sign in again.")}, status_code=401)
    target = request.url_for("sign_in").include_query_params(next=request.url.path)
    if is_htmx(request):
        return Response(status_code=401, headers={"HX-Redirect": str(target)})
    return RedirectResponse(str(target), status_code=303)


async def server_error(request: Request, exc: Exception) -> Response:
    log.exception("unhandled error on %s %s", request.method, quote(request.url.path))
    try:
        return error_response(request, 500)
    except Exception:  # the error page itself failed: still no trace to the browser
        return Response(_("Something went wrong on our side"), status_code=500)


async def csrf_failure(scope: Scope, receive: Receive, send: Send) -> None:
    request = Request(scope, receive)
    status = 413 if scope.get("csrf_failure") == "too_large" else 403
    detail = _("This form has expired. Go back, reload the page and try again.")
    response = error_response(request, status, detail if status == 403 else None)
    await response(scope, receive, send)
