"""The district's own words for its five actions (hold, secure, lockdown, evacuate, shelter).

Districts print their actions on posters and say them on the PA, in English and in Spanish, and
do not all use the same words (Secure or Lockout, Shelter or Shelter-in-place). Whatever names an
action, on every surface (push, pages, the composer, a checklist's alert button), asks
``kind_name`` here, which reads the names of the organisation being served from a context
variable: set per request for the signed-in person (``NamesMiddleware``) and by the push worker
for each alert's organisation. The defaults are the team glossary's (shared/docs/glossary-es.md).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING

from starlette.types import ASGIApp, Receive, Scope, Send
from tortoise import fields

from server.alerts.kinds import KINDS, kind_of
from server.auth import SignedInUser
from server.i18n import LANGUAGES, current_locale
from server.i18n import gettext as _
from server.models import TenantModel

if TYPE_CHECKING:
    from server.models import Organisation

ACTIONS = ("hold", "secure", "lockdown", "evacuate", "shelter")
MAX_NAME = 40  # a notification's title still fits with "SIMULACRO: " before it

# Each action's name in each language, as the glossary has it: Spanish with the English term staff
# hear on the PA in brackets.
DEFAULTS: dict[str, dict[str, str]] = {
    "hold": {"en": "Hold", "es": "Permanecer en el salón (Hold)"},
    "secure": {"en": "Secure", "es": "Asegurar el edificio (Secure)"},
    "lockdown": {"en": "Lockdown", "es": "Cierre de emergencia (Lockdown)"},
    "evacuate": {"en": "Evacuate", "es": "Evacuar (Evacuate)"},
    "shelter": {"en": "Shelter", "es": "Refugiarse (Shelter)"},
}
assert set(DEFAULTS) == set(ACTIONS)
assert all(set(names) == set(LANGUAGES) for names in DEFAULTS.values())

Names = dict[str, dict[str, str]]  # action -> language -> name


# A district's name for one action; an action with no row keeps the default names. (A comment,
# not a docstring: Tortoise would make a docstring the table's SQL comment.)
class ActionName(TenantModel):
    id = fields.IntField(primary_key=True)
    organisation: fields.ForeignKeyRelation[Organisation] = fields.ForeignKeyField(
        "models.Organisation", related_name="action_names"
    )
    organisation_id: int
    action = fields.CharField(max_length=16)
    en = fields.CharField(max_length=MAX_NAME)
    es = fields.CharField(max_length=MAX_NAME)

    class Meta:
        table = "action_name"
        unique_together = (("organisation", "action"),)


current_names: ContextVar[Names] = ContextVar("current_names", default=DEFAULTS)


async def load(organisation_id: int) -> Names:
    """The organisation's names for the five actions, defaults where it set none."""
    names = {action: dict(words) for action, words in DEFAULTS.items()}
    for row in await ActionName.filter(organisation_id=organisation_id):
        if row.action in names:
            names[row.action] = {"en": row.en, "es": row.es}
    return names


async def save(organisation_id: int, names: Names) -> None:
    """Keep a district's names (all five, checked at the edge by ``forms.ActionNamesForm``)."""
    for action in ACTIONS:
        await ActionName.update_or_create(
            defaults=names[action], organisation_id=organisation_id, action=action
        )


@contextmanager
def using(names: Names) -> Iterator[None]:
    token = current_names.set(names)
    try:
        yield
    finally:
        current_names.reset(token)


def kind_name(key: str, locale: str | None = None) -> str:
    """What an alert of this kind is called, in the reader's language: the district's own name
    for the five actions, the catalogue's for every other kind."""
    names = current_names.get().get(key)
    if names is not None:
        return names.get(locale or current_locale.get()) or names["en"]
    return _(kind_of(key).title)


class KindNames(Mapping[str, str]):
    """Every alert kind's name as ``kind_name`` gives it, looked up when read: for templates
    that take a kind's label from a mapping."""

    def __getitem__(self, key: str) -> str:
        if key not in KINDS:
            raise KeyError(key)
        return kind_name(key)

    def __iter__(self) -> Iterator[str]:
        return iter(KINDS)

    def __len__(self) -> int:
        return len(KINDS)


class NamesMiddleware:
    """Make the signed-in person's district names current for the request (after sign-in is
    known); anyone else reads the defaults."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        who = scope.get("user") if scope["type"] == "http" else None
        # Static files and the JSON APIs (sync, uploads, session) name nothing: no query for
        # each of a page's scripts and styles, nor for every batch a phone sends.
        if not isinstance(who, SignedInUser) or scope["path"].startswith(("/static/", "/api/")):
            await self.app(scope, receive, send)
            return
        with using(await load(who.user.organisation_id)):
            await self.app(scope, receive, send)
