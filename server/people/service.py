"""Every decision about a person's record: what a save checks (one email per person, the
district's own schools, no admin locking themselves out), what it does (a temporary password
for someone new, signing out everywhere on deactivation) and the audit of each change."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from tortoise.transactions import in_transaction

from server import audit
from server.db import column
from server.forms import PersonForm
from server.i18n import gettext as _
from server.models import Role, School, User
from server.passwords import hash_password
from server.tenancy import scoped


@dataclass
class Saved:
    person: User | None  # None when ``errors`` say why not
    errors: dict[str, str]
    temporary_password: str | None = None  # for someone new: to give them once


def _temporary() -> str:
    return secrets.token_urlsafe(9)


async def _errors(admin: User, form: PersonForm, person: User | None) -> dict[str, str]:
    errors: dict[str, str] = {}
    clash = await User.filter(email=form.email).exclude(id=person.id if person else -1).exists()
    if clash:
        errors["email"] = _("Someone already uses this email.")
    known = set(await column(scoped(School, admin), "id"))
    if not set(form.schools) <= known:
        errors["schools"] = _("Choose schools from the list.")
    if (
        person is not None
        and person.id == admin.id
        and (Role.ADMIN not in form.roles or not form.active)
    ):
        errors["roles"] = _("You can't remove your own admin role or deactivate yourself.")
    return errors


async def save_person(admin: User, person: User | None, form: PersonForm) -> Saved:
    """Someone new (``person`` None) or changes to someone, with their schools, in one go."""
    errors = await _errors(admin, form, person)
    if errors:
        return Saved(None, errors)
    fields: dict[str, Any] = {
        "name": form.name,
        "email": form.email,
        "phone": form.phone,
        "roles": [r.value for r in form.roles],
        "active": form.active,
    }
    temporary = None
    async with in_transaction():
        if person is None:
            temporary = _temporary()
            person = await User.create(
                organisation_id=admin.organisation_id,
                password_hash=hash_password(temporary),
                **fields,
            )
            action = "person.created"
        else:
            if person.active and not form.active:
                person.session_epoch += 1  # sign them out everywhere
            await person.update_from_dict(fields).save()
            action = "person.updated"
        await person.schools.clear()
        if form.schools:
            await person.schools.add(*await scoped(School, admin).filter(id__in=form.schools))
        await audit.record(admin, action, person, roles=person.roles, active=person.active)
    return Saved(person, {}, temporary)


async def reset_password(admin: User, person: User) -> str:
    """A new temporary password, returned once; every sign-in of theirs ends."""
    temporary = _temporary()
    person.password_hash = hash_password(temporary)
    person.session_epoch += 1
    await person.save(update_fields=["password_hash", "session_epoch"])
    await audit.record(admin, "person.password_reset", person)
    return temporary


async def set_locale(user: User, locale: str) -> None:
    """The language a person chose: kept with them, for pages and their alerts."""
    user.locale = locale
    await user.save(update_fields=["locale"])
