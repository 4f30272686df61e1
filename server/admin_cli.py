"""``create-admin``: the first person of a new district, with the same rules as the admin form."""

from __future__ import annotations

from pydantic import ValidationError

from server.forms import PersonForm
from server.models import Organisation, Role, User
from server.passwords import hash_password

MIN_PASSWORD = 10


async def create_admin(organisation: str, name: str, email: str, password: str) -> str:
    try:
        form = PersonForm(name=name, email=email, roles=[Role.ADMIN], active=True)
    except ValidationError as error:
        raise ValueError(error.errors()[0]["loc"][0].__str__() + " is not valid") from error
    if len(password) < MIN_PASSWORD:
        raise ValueError(f"the password needs at least {MIN_PASSWORD} characters")
    if await User.filter(email=form.email).exists():
        raise ValueError(f"{form.email} already has an account")
    org, _created = await Organisation.get_or_create(name=organisation.strip())
    await User.create(
        organisation=org,
        name=form.name,
        email=form.email,
        password_hash=hash_password(password),
        roles=[Role.ADMIN.value],
    )
    return f"Admin {form.email} created in {org.name}."
