"""Every decision about a person's record: what a save checks (one email per person, the
district's own schools, no admin locking themselves out), what it does (a temporary password
for someone new, signing out everywhere on deactivation) and the audit of each change."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from tortoise.transactions import in_transaction

from server import audit, throttle
from server.db import column
from server.forms import PersonForm, SignInForm
from server.i18n import gettext as _
from server.i18n import ngettext
from server.models import Role, School, User
from server.passwords import hash_password, verify_password
from server.settings import Settings
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


@dataclass
class SignIn:
    user: User | None  # who signed in; None when ``error`` says why not
    error: str = ""
    status: int = 200
    wait: int = 0  # seconds before another try, when too many have failed


async def check_sign_in(settings: Settings, form: SignInForm, address: str) -> SignIn:
    """A sign-in: refused for a while after too many failures (by account and by address), then
    the password; a failure counts toward that, a success clears the account's."""
    email = form.email.strip().lower()
    wait = await throttle.seconds_to_wait(settings, email, address)
    if wait:
        minutes = max(1, -(-wait // 60))
        message = ngettext(
            "Too many failed sign-ins. Try again in %(n)s minute.",
            "Too many failed sign-ins. Try again in %(n)s minutes.",
            minutes,
        ) % {"n": minutes}
        return SignIn(None, message, 429, wait)
    user = await User.get_or_none(email=email)
    if not verify_password(user.password_hash if user else None, form.password) or not (
        user and user.active
    ):
        await throttle.record_failure(email, address)
        return SignIn(None, _("That email and password don't match."), 400)
    await throttle.clear_account(email)
    return SignIn(user)
