"""What the people pages read."""

from __future__ import annotations

from typing import Any

from tortoise.expressions import Q

from server.models import User
from server.tenancy import scoped


async def people(admin: User, query: str) -> list[User]:
    """The district's people, by a piece of name or email when ``query`` is given."""
    found = scoped(User, admin)
    if query:
        found = found.filter(Q(name__icontains=query) | Q(email__icontains=query))
    return await found.prefetch_related("schools")


async def form_values(person: User) -> dict[str, Any]:
    await person.fetch_related("schools")
    return {
        "name": person.name,
        "email": person.email,
        "phone": person.phone,
        "roles": person.roles,
        "schools": [s.id for s in person.schools],
        "active": person.active,
    }
