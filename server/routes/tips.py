"""The anonymous tip line: a public page per district (/tip/<code>, no sign-in, no install), the
tipster's follow-up with their code, and the team's list, tip page and poster. Parse, call
server/tips/, render.

What a tipster's request leaves: nothing with their address. The address is used here only to
count tries in memory for a few minutes (server/tips/limits.py); the pages are marked no-store
so neither the browser nor our service worker keeps them, and the access log is told to leave
the address out (server/tips/privacy.py)."""

from __future__ import annotations

import time
from typing import Any

import segno
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from server import i18n
from server.auth import public, requires_role, signed_in_user
from server.cases.access import on_threat_team
from server.forms import parsed
from server.i18n import N_
from server.i18n import gettext as _
from server.pages import flash, flashed
from server.templating import render
from server.tips import limits, queries, service
from server.tips.forms import CodeForm, MessageForm, TipForm
from server.tips.models import REPORTER_LABELS, TipLine

THREAD_SECONDS = 30 * 60  # a code opens the thread on this browser for half an hour at most
PRIVATE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}
# The poster says it in English and Spanish at once, whatever the admin's language.
POSTER = {
    "heading": N_("Worried about someone? Tell us."),
    "body": N_(
        "Scan the code or type the link to tell the school's threat assessment team, without "
        "giving your name. It is not snitching: it can keep someone safe."
    ),
    "danger": N_("If someone is in danger right now, call 911."),
}


def _address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


async def _line(request: Request) -> TipLine:
    line = await queries.line(request.path_params["line"])
    if line is None:
        raise HTTPException(status_code=404)
    return line


def _page(request: Request, page: str, context: dict[str, Any], status: int = 200) -> Response:
    response = render(request, page, context, status_code=status)
    response.headers.update(PRIVATE)
    return response


def _too_many(request: Request, line: TipLine, wait: int) -> Response:
    context = {"line": line, "wait_minutes": max(1, round(wait / 60))}
    response = _page(request, "tips/wait.html", context, status=429)
    response.headers["Retry-After"] = str(wait)
    return response


@public
async def tip_form(request: Request) -> Response:
    line = await _line(request)
    context: dict[str, Any] = {
        "line": line,
        "schools": await queries.line_schools(line),
        "reporters": REPORTER_LABELS,
        "values": {},
        "errors": {},
    }
    if request.method != "POST":
        return _page(request, "tips/form.html", context)
    wait = limits.TIPS.wait(_address(request))
    if wait:
        return _too_many(request, line, wait)
    form_data = await request.form()
    form, errors = parsed(TipForm, form_data)
    if form is None:
        if "urgent" in errors:
            errors["urgent"] = _("Say whether someone could be hurt today.")
        values = {k: v for k, v in form_data.items() if k not in ("csrf_token", "website")}
        context |= {"values": values, "errors": errors}
        return _page(request, "tips/form.html", context, status=422)
    limits.TIPS.count(_address(request))
    sent = await service.send(line, form)
    # The code is on this page and nowhere else: not in the session, not in the database.
    context = {"line": line, "code": sent.code, "urgent": form.urgent}
    return _page(request, "tips/sent.html", context)


def _opened(request: Request, line: TipLine) -> str | None:
    """The tip this browser opened with its code, while that lasts."""
    kept = request.session.get("tip")
    if not isinstance(kept, dict) or kept.get("line") != line.code:
        return None
    if not isinstance(kept.get("until"), (int, float)) or kept["until"] < time.time():
        request.session.pop("tip", None)
        return None
    return str(kept.get("id", ""))


@public
async def tip_follow_up(request: Request) -> Response:
    line = await _line(request)
    context: dict[str, Any] = {"line": line, "errors": {}, "flash": flash(request)}
    if request.method == "POST":
        address = _address(request)
        wait = limits.CODES.wait(address)
        if wait:
            return _too_many(request, line, wait)
        form, _errors = parsed(CodeForm, await request.form())
        tip = await service.by_code(line, form.code) if form else None
        if tip is None:
            limits.CODES.count(address)  # only wrong codes count
            wrong = _("There is no tip with that code. Check it and try again.")
            context["errors"] = {"code": wrong}
            return _page(request, "tips/code.html", context, status=404)
        until = time.time() + THREAD_SECONDS
        request.session["tip"] = {"line": line.code, "id": str(tip.id), "until": until}
        return RedirectResponse(request.url_for("tip_follow_up", line=line.code), 303)
    opened = _opened(request, line)
    tip = await service.by_id(line, opened) if opened else None
    if tip is None:
        return _page(request, "tips/code.html", context)
    context |= {"tip": tip, "thread": await queries.thread(tip)}
    return _page(request, "tips/thread.html", context)


@public
async def tip_answer(request: Request) -> Response:
    line = await _line(request)
    opened = _opened(request, line)
    tip = await service.by_id(line, opened) if opened else None
    if tip is None:  # the half hour is over, or never began: the code again
        return RedirectResponse(request.url_for("tip_follow_up", line=line.code), 303)
    address = _address(request)
    wait = limits.ANSWERS.wait(address)
    if wait:
        return _too_many(request, line, wait)
    form, errors = parsed(MessageForm, await request.form())
    if form is None:
        context = {"line": line, "tip": tip, "thread": await queries.thread(tip)}
        context |= {"errors": errors, "values": {}}
        return _page(request, "tips/thread.html", context, status=422)
    limits.ANSWERS.count(address)
    await service.answer(tip, form)
    return flashed(request, _("Your answer was sent to the team."), "tip_follow_up", line=line.code)


@public
async def tip_close(request: Request) -> Response:
    """Forget the opened tip on this browser (a shared computer): the code opens it again."""
    request.session.pop("tip", None)
    line = await _line(request)
    return RedirectResponse(request.url_for("tip_form", line=line.code), 303)


# The team's side: readers only, everyone else a 404 (service.reach).


@requires_role()
async def tips_list(request: Request) -> Response:
    found = await service.listed(signed_in_user(request))
    if found is None:
        raise HTTPException(status_code=404)
    context = {"tips": found, "waiting": queries.waiting_for_team}
    return render(request, "tips/list.html", context)


async def _tip_page(request: Request, tip: Any, status: int = 200, **extra: Any) -> Response:
    context = {"tip": tip, "thread": await queries.thread(tip), "reporters": REPORTER_LABELS}
    context["team"] = True  # the thread names who asked
    context["opens_cases"] = await on_threat_team(signed_in_user(request))
    context |= {"errors": {}, "values": {}, "flash": flash(request)} | extra
    return render(request, "tips/detail.html", context, status_code=status)


@requires_role()
async def tip_detail(request: Request) -> Response:
    tip = await service.read(signed_in_user(request), request.path_params["id"])
    if tip is None:
        raise HTTPException(status_code=404)
    return await _tip_page(request, tip)


@requires_role()
async def tip_ask(request: Request) -> Response:
    user = signed_in_user(request)
    tip = await service.read(user, request.path_params["id"], action="tip.asked")
    if tip is None:
        raise HTTPException(status_code=404)
    form, errors = parsed(MessageForm, await request.form())
    if form is None:
        return await _tip_page(request, tip, status=422, errors=errors)
    await service.ask(user, tip, form)
    message = _(
        "Your question is on the tip. The tipster reads it when they come back with their code."
    )
    return flashed(request, message, "tip_detail", id=str(tip.id))


@requires_role()
async def tip_poster(request: Request) -> Response:
    line = await service.poster_line(signed_in_user(request))
    if line is None:
        raise HTTPException(status_code=404)
    link = str(request.url_for("tip_form", line=line.code))
    qr = segno.make(link, error="m")
    # The QR code as inline SVG (no script, no style: the page's CSP holds); the link beside it
    # says the same in words, so the picture itself is hidden from screen readers.
    svg = qr.svg_inline(scale=1, border=2, omitsize=True, svgclass="qr", lineclass=None)
    svg = svg.replace("<svg ", '<svg aria-hidden="true" focusable="false" ', 1)
    poster = [(lang, {k: _said_in(lang, v) for k, v in POSTER.items()}) for lang in ("en", "es")]
    context = {"line": line, "link": link, "qr_svg": svg, "poster": poster}
    return render(request, "tips/poster.html", context)


def _said_in(locale: str, message: str) -> str:
    token = i18n.current_locale.set(locale)
    try:
        return _(message)
    finally:
        i18n.current_locale.reset(token)


routes = [
    Route("/tip/{line:str}", tip_form, methods=["GET", "POST"], name="tip_form"),
    Route(
        "/tip/{line:str}/follow-up", tip_follow_up, methods=["GET", "POST"], name="tip_follow_up"
    ),
    Route("/tip/{line:str}/follow-up/answer", tip_answer, methods=["POST"], name="tip_answer"),
    Route("/tip/{line:str}/follow-up/close", tip_close, methods=["POST"], name="tip_close"),
    Route("/tips", tips_list, name="tips"),
    Route("/tips/poster", tip_poster, name="tip_poster"),
    Route("/tips/{id:str}", tip_detail, name="tip_detail"),
    Route("/tips/{id:str}/questions", tip_ask, methods=["POST"], name="tip_ask"),
]
