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
from tortoise.models import Model

from server.models import Organisation, Role, User
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
        user, ended = await _person(user_id, sid if isinstance(sid, str) else None)
        if user is not None and ended:  # signed out
            _forget_person(session)
            return None
        if user is None or user.session_epoch != epoch:
            session.pop("user_id", None)
            return None
        return AuthCredentials(["authenticated", *user.roles]), SignedInUser(user)


# Every request a signed-in person makes reads them: one statement, written once per database
# (building it through the ORM cost more than running it), read into the same objects the ORM's
# ``User.filter(id=..., active=True).select_related("organisation")`` makes.
_PERSON: dict[str, str] = {}


def _person_sql(dialect: str) -> str:
    if dialect not in _PERSON:
        marks = ("?", "?", "?") if dialect == "sqlite" else ("$1", "$2", "$3")
        people = ", ".join(f'u."{c}"' for c in _columns(User))
        places = ", ".join(f'o."{c}" AS "o.{c}"' for c in _columns(Organisation))
        _PERSON[dialect] = (
            f"SELECT {people}, {places}, (SELECT r.sid FROM {_table(RevokedSession)} r"
            f" WHERE r.sid = {marks[0]}) AS ended FROM {_table(User)} u"
            f" JOIN {_table(Organisation)} o ON o.id = u.organisation_id"
            f" WHERE u.id = {marks[1]} AND u.active = {marks[2]}"
        )
    return _PERSON[dialect]


def _columns(model: type[Model]) -> list[str]:
    meta = model._meta
    return [
        key
        for key, *_ in (*meta.db_native_fields, *meta.db_default_fields, *meta.db_complex_fields)
    ]


def _table(model: type[Model]) -> str:
    return f'"{model._meta.db_table}"'


async def _person(user_id: Any, sid: str | None) -> tuple[User | None, bool]:
    """The active person with this id, their organisation read with them, and whether the
    session ``sid`` was ended (signed out)."""
    db = User._meta.db
    fields = User._meta.fields_map
    values = [
        sid,
        fields["id"].to_db_value(user_id, User),
        fields["active"].to_db_value(True, User),
    ]
    rows = await db.execute_query_dict(_person_sql(db.capabilities.dialect), values)
    if not rows:
        return None, False
    row = rows[0]
    user = User._init_from_db(**{c: row[c] for c in _columns(User)})
    place = Organisation._init_from_db(**{c: row[f"o.{c}"] for c in _columns(Organisation)})
    object.__setattr__(user, "_organisation", place)  # as select_related leaves it
    return user, row["ended"] is not None


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
