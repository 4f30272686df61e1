"""Alerts from the field (``alert.raised`` events): who may raise which kind, and whom each
reaches. The one place the server decides it; the event's handler asks here for every alert.

In every standard response protocol any staff member who sees a threat may call one of the five
actions, so by default every role may; a district can narrow that (``Organisation.action_roles``),
and the threatening-call script's silent alert likewise (``call_script_roles``). Admins and the
safety team may always raise any field alert. A kind not listed here (all clear, a message, the
server's own alerts) can't be raised from the field at all."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

from server.action_names import ACTIONS
from server.models import Organisation, Role, User

# The kinds a phone may raise (the event's schema lists them; RULES says who and to whom).
FieldKind = Literal[
    "panic",
    "medical",
    "hold",
    "secure",
    "lockdown",
    "evacuate",
    "shelter",
    "silent",
    "lost-student",
    "bus-child",
    "bus-item",
]
LEADS = (Role.ADMIN.value, Role.SAFETY.value)
# The roles a district may tick for a setting; the leads are always in.
CHOOSABLE = [role for role in Role if role.value not in LEADS]
UNDO_SECONDS = 5  # every field alert waits this long on the server, so its sender can undo it


@dataclass(frozen=True)
class FieldRule:
    # Roles that may raise it (None: every role); narrowed further by the district setting named.
    roles: tuple[str, ...] | None = None
    setting: str | None = None
    # Roles it reaches (() every role; None: the roles the checklist's button names).
    notify: tuple[str, ...] | None = None
    # Also the school of the campus nearest to where the phone is, when the phone said where.
    nearest_campus: bool = False


_TEAM = (Role.ADMIN.value, Role.SAFETY.value)
_BUS = (Role.DISPATCH.value, *_TEAM)

RULES: dict[str, FieldRule] = {
    "panic": FieldRule(notify=_TEAM, nearest_campus=True),
    "medical": FieldRule(notify=_TEAM, nearest_campus=True),
    **{action: FieldRule(setting="action_roles", notify=()) for action in ACTIONS},
    "silent": FieldRule(setting="call_script_roles", notify=_TEAM),
    "lost-student": FieldRule(roles=(Role.STAFF.value,)),
    "bus-child": FieldRule(roles=(Role.DRIVER.value,), notify=_BUS, nearest_campus=True),
    "bus-item": FieldRule(roles=(Role.DRIVER.value,), notify=_BUS, nearest_campus=True),
}

assert set(RULES) == set(get_args(FieldKind)), "every field kind has its rule"


def allowed_roles(organisation: Organisation, setting: str) -> list[str]:
    """The roles a district setting lets do it (every role when the district never narrowed it),
    always with the admins and the safety team."""
    chosen = getattr(organisation, setting) or [role.value for role in Role]
    return sorted({*chosen, *LEADS})


def may_raise(user: User, organisation: Organisation, kind: str) -> bool:
    rule = RULES.get(kind)
    if rule is None:
        return False
    if user.has_role(*LEADS):
        return True
    if rule.roles is not None and not user.has_role(*rule.roles):
        return False
    return rule.setting is None or user.has_role(*allowed_roles(organisation, rule.setting))


def may_call_actions(user: User, organisation: Organisation) -> bool:
    return user.has_role(*allowed_roles(organisation, "action_roles"))


def may_open_call_script(user: User, organisation: Organisation) -> bool:
    return user.has_role(*allowed_roles(organisation, "call_script_roles"))


def notify_for(kind: str, asked: list[str]) -> list[str]:
    """The roles an alert of this kind reaches: the rule's, or what the checklist's button asks."""
    rule = RULES[kind]
    return list(rule.notify) if rule.notify is not None else asked
