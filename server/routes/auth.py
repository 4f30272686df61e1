"""Sign in, sign out, and the language switch."""

from __future__ import annotations

from datetime import timedelta

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from server.auth import current_user, public, requires_role, sign_in, sign_out
from server.forms import LanguageForm, SignInForm, parsed
from server.i18n import gettext as _
from server.people.service import check_sign_in, set_locale
from server.templating import render


def safe_next(target: str) -> str:
    """Only a path on this site: never an open redirect."""
    return target if target.startswith("/") and not target.startswith(("//", "/\\")) else "/"


@public
async def sign_in_page(request: Request) -> Response:
    if request.method != "POST":
        if current_user(request) is not None:
            return RedirectResponse(request.url_for("home"), status_code=303)
        next_path = safe_next(request.query_params.get("next", "/"))
        return render(request, "sign_in.html", {"next": next_path, "email": ""})

    form, _errors = parsed(SignInForm, await request.form())
    if form is None:
        return _failed(request, "", "/", _("Enter your email and password."), 422)
    address = request.client.host if request.client else "unknown"
    checked = await check_sign_in(request.app.state.settings, form, address)
    if checked.user is None:
        email = form.email.strip().lower()
        response = _failed(request, email, form.next, checked.error, checked.status)
        if checked.wait:
            response.headers["Retry-After"] = str(checked.wait)
        return response
    sign_in(request, checked.user)
    return RedirectResponse(safe_next(form.next), status_code=303)


def _failed(request: Request, email: str, next_path: str, message: str, status: int) -> Response:
    context = {"email": email, "next": safe_next(next_path), "error": message}
    return render(request, "sign_in.html", context, status_code=status)


@requires_role()
async def sign_out_action(request: Request) -> Response:
    await sign_out(request, timedelta(hours=request.app.state.settings.session_hours))
    return RedirectResponse(request.url_for("sign_in"), status_code=303)


@public
async def choose_language(request: Request) -> Response:
    form, _errors = parsed(LanguageForm, await request.form())
    if form is None:
        return RedirectResponse("/", status_code=303)
    request.session["locale"] = form.locale
    user = current_user(request)
    if user is not None:
        await set_locale(user, form.locale)
    return RedirectResponse(safe_next(form.next), status_code=303)


routes = [
    Route("/sign-in", sign_in_page, methods=["GET", "POST"], name="sign_in"),
    Route("/sign-out", sign_out_action, methods=["POST"], name="sign_out"),
    Route("/language", choose_language, methods=["POST"], name="choose_language"),
]
