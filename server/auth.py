"""Who is signed in, and what they may do.

Starlette's ``AuthenticationMiddleware`` loads the person from the session cookie on every request;
``requires_role`` guards an endpoint and records its roles so the route-by-role test can read them.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from starlette.authentication import AuthCredentials, AuthenticationBackend, BaseUser
from starlette.exceptions import HTTPException
from starlette.requests import HTTPConnection, Request
from starlette.responses import Response
from tortoise.expressions import Subquery

from server.models import Role, User
from server.session_store import RevokedSession, new_sid, revoke

ALL_ROLES = tuple(role.value for role in Role)
Endpoint = Callable[[Request], Awaitable[Response]]


class SignedInUser(BaseUser):
    def __init__(self, user: User) -> None:
        self.user = user

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def display_name(self) -> str:
        return self.user.name


class NotSignedIn(Exception):
    """Raised by a guarded endpoint for an anonymous request; answered with a sign-in redirect."""


class SessionBackend(AuthenticationBackend):
    async def authenticate(self, conn: HTTPConnection) -> tuple[AuthCredentials, BaseUser] | None:
        session: dict[str, Any] = conn.session
        user_id, epoch = session.get("user_id"), session.get("epoch")
        if user_id is None:
            return None
        sid = session.get("sid")
        # With its organisation: the district settings pages read (one join, no second query).
        people = User.filter(id=user_id, active=True).select_related("organisation")
        if isinstance(sid, str):  # one query: the person, and whether this session was ended
            ended = RevokedSession.filter(sid=sid).values("sid")
            people = people.annotate(ended=Subquery(ended))
        user = await people.first()
        if user is not None and getattr(user, "ended", None) is not None:  # signed out
            _forget_person(session)
            return None
        if user is None or user.session_epoch != epoch:
            session.pop("user_id", None)
            return None
        return AuthCredentials(["authenticated", *user.roles]), SignedInUser(user)


def sign_in(request: Request, user: User) -> None:
    csrf = request.session.get("csrf")
    request.session.clear()  # a fresh session on sign-in: no fixation
    request.session.update({"user_id": user.id, "epoch": user.session_epoch, "sid": new_sid()})
    if csrf:
        request.session["csrf"] = csrf


async def sign_out(request: Request, lasts: timedelta) -> None:
    """Ends this session for good: a copy of its cookie is refused from now on, in every web
    process. (A session from before sessions had ids has none to revoke; it ends here.)"""
    sid = request.session.get("sid")
    if isinstance(sid, str):
        await revoke(sid, lasts)
    _forget_person(request.session)


def _forget_person(session: dict[str, Any]) -> None:
    """Drop who was signed in, keeping the browser's CSRF token: a request still in flight from
    before the sign-out answers with its cookie after the sign-in page's, and a new token there
    would make the next sign-in fail (sign_in keeps the token for the same reason)."""
    for key in ("user_id", "epoch", "sid"):
        session.pop(key, None)


def current_user(request: Request) -> User | None:
    who = request.scope.get("user")
    return who.user if isinstance(who, SignedInUser) else None


def signed_in_user(request: Request) -> User:
    """The person behind a guarded endpoint (``requires_role`` has already let them in)."""
    user = current_user(request)
    if user is None:
        raise NotSignedIn()
    return user


def requires_role(*roles: str) -> Callable[[Endpoint], Endpoint]:
    """Guard an endpoint: anonymous -> sign in; signed in without one of ``roles`` -> 403.

    With no roles given, any signed-in person may use it.
    """
    allowed = roles or ALL_ROLES

    def decorate(endpoint: Endpoint) -> Endpoint:
        @functools.wraps(endpoint)
        async def guarded(request: Request) -> Response:
            user = current_user(request)
            if user is None:
                raise NotSignedIn()
            if not user.has_role(*allowed):
                raise HTTPException(status_code=403)
            return await endpoint(request)

        guarded.__dict__["allowed_roles"] = allowed  # read by the route-by-role test
        return guarded

    return decorate


def public(endpoint: Endpoint) -> Endpoint:
    """Mark an endpoint open to everyone, so the route-by-role test knows it is on purpose."""
    endpoint.__dict__["allowed_roles"] = None
    return endpoint
