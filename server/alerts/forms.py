"""The composer's form: what to send and to whom, parsed at the edge."""

from __future__ import annotations

from typing import Annotated, Any, Literal, get_args

from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError

from server.edge import Text
from server.forms import Form
from server.models import Role
from server.team.models import TeamFunction
from server.tenancy import MAX_ID, RecordId

Scope = Literal["organisation", "school", "site", "trip", "people", "team"]
SCOPES: tuple[Scope, ...] = get_args(Scope)


class AlertForm(Form):
    """The composer. Who it reaches: ``to``, one control, picks the whole organisation, one
    school, site or trip ("school:12"), or the named ``people``; ``roles`` narrows a place to
    those roles (none: everyone). ``scope`` with a separate id is the older shape, still taken,
    but a place given beside a scope that doesn't use it is refused rather than ignored: a
    school picked in its list while "everyone" stayed ticked went to the whole district."""

    kind: Annotated[
        str, Field(pattern="^(hold|secure|lockdown|evacuate|shelter|all-clear|medical|custom)$")
    ]
    severity: Literal["emergency", "warning", "info"] | None = None
    title: Annotated[str, Text(80, min_length=0)] = ""
    message: Annotated[str, Text(500, min_length=0, lines=True)] = ""
    to: Annotated[
        str,
        Field(
            pattern=r"^(organisation|people|(school|site|trip):\d{1,10}"
            r"|team:(\d{1,10}|district)(:[a-z_]{1,32})?)$"
        ),
    ] = ""
    scope: Scope = "organisation"
    school: RecordId | None = None
    site: RecordId | None = None
    trip: RecordId | None = None
    people: Annotated[list[RecordId], Field(max_length=500)] = []
    # "team:12:medical_lead": one function of a school's crisis team; "team:12" the whole team;
    # "team:district..." the district's. Set from ``to`` only.
    team_school: int | None = None
    team_function: TeamFunction | None = None
    roles: list[Role] = []
    drill: bool = False
    held: Literal["", "yes"] = ""  # set by the press-and-hold button, and only by it

    @model_validator(mode="after")
    def complete(self) -> AlertForm:
        if self.kind == "custom" and not self.title:
            raise PydanticCustomError("title_needed", "title needed")
        if self.to.startswith("team:"):
            self.scope = "team"
            _team, where, function = [*self.to.split(":"), ""][:3]
            if where != "district":
                if not 0 < int(where) <= MAX_ID:
                    raise PydanticCustomError("enum", "no such place")
                self.team_school = int(where)
            if function:
                if function not in set(TeamFunction):
                    raise PydanticCustomError("enum", "no such function")
                self.team_function = TeamFunction(function)
        elif self.to:
            scope, _colon, number = self.to.partition(":")
            self.scope = next(s for s in SCOPES if s == scope)  # the pattern allows no other
            if number:
                if not 0 < int(number) <= MAX_ID:
                    raise PydanticCustomError("enum", "no such place")
                if getattr(self, scope) not in (None, int(number)):
                    raise PydanticCustomError("where_conflict", "two places")
                setattr(self, scope, int(number))
        given = [key for key in ("school", "site", "trip") if getattr(self, key) is not None]
        if any(key != self.scope for key in given) or (self.people and self.scope != "people"):
            raise PydanticCustomError("where_conflict", "two places")
        team_given = self.team_school is not None or self.team_function is not None
        if (self.scope == "team") != self.to.startswith("team:") or (
            team_given and self.scope != "team"
        ):
            raise PydanticCustomError("where_conflict", "two places")
        if self.scope == "school" and self.school is None:
            raise PydanticCustomError("school_needed", "school needed")
        if self.scope == "site" and self.site is None:
            raise PydanticCustomError("site_needed", "site needed")
        if self.scope == "trip" and self.trip is None:
            raise PydanticCustomError("trip_needed", "trip needed")
        if self.scope == "people" and not self.people:
            raise PydanticCustomError("people_needed", "people needed")
        return self


def shown(form: Any) -> dict[str, Any]:
    """The form's values as given, to show again beside its errors."""
    return {
        key: form.getlist(key) if key in ("people", "roles") else form.get(key)
        for key in AlertForm.model_fields
    }
