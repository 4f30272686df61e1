"""Small ASGI middleware: security headers, per-scheme session cookies, request language."""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.middleware.sessions import SessionMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from server import i18n
from server.auth import SignedInUser


def content_security_policy(image_origins: tuple[str, ...] = ()) -> str:
    """No inline script or style anywhere; pages with a map also allow its tile server's images."""
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            " ".join(["img-src 'self' data: blob:", *image_origins]),
            "connect-src 'self'",
            "worker-src 'self'",
            "manifest-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


CONTENT_SECURITY_POLICY = content_security_policy()

SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": "camera=(self), geolocation=(self), microphone=()",
}


class SecurityHeadersMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, send_with_headers)


class SchemeAwareSessionMiddleware:
    """Starlette's signed-cookie session, marked Secure when the request came over https."""

    def __init__(self, app: ASGIApp, secret_key: str, session_cookie: str, max_age: int) -> None:
        def session(secure: bool) -> SessionMiddleware:
            return SessionMiddleware(
                app, secret_key, session_cookie, max_age, same_site="lax", https_only=secure
            )

        self.plain = session(False)
        self.secure = session(True)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        middleware = self.secure if scope.get("scheme") == "https" else self.plain
        await middleware(scope, receive, send)


class LocaleMiddleware:
    """Pick the language once per request and make it current for templates and messages."""

    def __init__(self, app: ASGIApp, default: str = "en") -> None:
        self.app = app
        self.default = default

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        who = scope.get("user")
        person = who.user.locale if isinstance(who, SignedInUser) else None
        session_choice = scope.get("session", {}).get("locale")
        headers = dict(scope["headers"])
        accept = headers.get(b"accept-language", b"").decode("latin-1")
        locale = i18n.choose_locale(person, session_choice, accept, self.default)
        # The service worker keeps each page in the other language too, so a switch made with no
        # signal still works: it asks for that copy with this header. Reading only; never saved.
        wanted = headers.get(b"muster-locale", b"").decode("latin-1")
        if scope.get("method") == "GET" and wanted in i18n.LANGUAGES:
            locale = wanted
        token = i18n.current_locale.set(locale)
        try:
            await self.app(scope, receive, send)
        finally:
            i18n.current_locale.reset(token)
