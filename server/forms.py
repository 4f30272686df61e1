"""Validation at the edge: a strict pydantic model for every form, with messages people can read."""

from __future__ import annotations

import re
from typing import Annotated, Any, TypeVar, get_origin

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, model_validator
from pydantic_core import InitErrorDetails, PydanticCustomError
from starlette.datastructures import FormData

from server.action_names import ACTIONS, MAX_NAME
from server.edge import Text, text_problem
from server.i18n import N_
from server.i18n import gettext as _
from server.models import Role
from server.tenancy import RecordId

M = TypeVar("M", bound=BaseModel)


def _email(value: str) -> str:
    value = value.lower()
    local, _at, domain = value.partition("@")
    if not local or "." not in domain or " " in value or domain.startswith("."):
        raise PydanticCustomError("email", "email")
    return value


Email = Annotated[str, Text(254), AfterValidator(_email)]


class Form(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False)

    @model_validator(mode="before")
    @classmethod
    def storable(cls, data: Any) -> Any:
        """Every field, typed text or not (an email, a password, a choice), can be stored or
        looked up: PostgreSQL refuses a NUL outright."""
        if isinstance(data, dict):
            for value in data.values():
                for one in value if isinstance(value, list) else [value]:
                    if isinstance(one, str) and text_problem(one):
                        raise PydanticCustomError("control_chars", "control characters")
        return data


class DistrictForm(Form):
    """Who, besides admins and the safety team, may call the five actions and open the call
    script (none ticked: only those two)."""

    action_roles: Annotated[list[Role], Field(max_length=len(Role))] = []
    call_script_roles: Annotated[list[Role], Field(max_length=len(Role))] = []


class SignInForm(Form):
    email: Annotated[str, Field(max_length=254)]
    password: Annotated[str, Field(min_length=1, max_length=1024)]
    next: Annotated[str, Field(max_length=500)] = "/"


def _phone(value: str) -> str:
    """A number someone can dial: digits with the usual separators, an optional leading +."""
    if value and not PHONE.fullmatch(value):
        raise PydanticCustomError("phone", "phone")
    return value


PHONE = re.compile(r"\+?[0-9][0-9 ().-]{5,28}[0-9](?: ?(?:x|ext\.?) ?[0-9]{1,6})?")
Phone = Annotated[str, Text(40, min_length=0), AfterValidator(_phone)]


class PersonForm(Form):
    name: Annotated[str, Text(200)]
    email: Email
    phone: Phone = ""
    roles: Annotated[list[Role], Field(min_length=1)]
    schools: Annotated[list[RecordId], Field(max_length=500)] = []
    active: bool = False


class RecordSchoolForm(Form):
    """A field record's school, corrected by the team (empty: no school)."""

    school: RecordId | None = None


class ActionNamesForm(Form):
    """A district's names for its five actions: ``<action>_<language>``, e.g. ``secure_es``."""

    hold_en: Annotated[str, Text(MAX_NAME)]
    hold_es: Annotated[str, Text(MAX_NAME)]
    secure_en: Annotated[str, Text(MAX_NAME)]
    secure_es: Annotated[str, Text(MAX_NAME)]
    lockdown_en: Annotated[str, Text(MAX_NAME)]
    lockdown_es: Annotated[str, Text(MAX_NAME)]
    evacuate_en: Annotated[str, Text(MAX_NAME)]
    evacuate_es: Annotated[str, Text(MAX_NAME)]
    shelter_en: Annotated[str, Text(MAX_NAME)]
    shelter_es: Annotated[str, Text(MAX_NAME)]

    def names(self) -> dict[str, dict[str, str]]:
        return {a: {lang: getattr(self, f"{a}_{lang}") for lang in ("en", "es")} for a in ACTIONS}

    @model_validator(mode="after")
    def apart(self) -> ActionNamesForm:
        # Two actions under one name would send people to do the wrong thing.
        for lang in ("en", "es"):
            said = [names[lang].casefold() for names in self.names().values()]
            if len(set(said)) < len(said):
                raise PydanticCustomError("names_clash", "two actions share a name")
        return self


class LanguageForm(Form):
    locale: Annotated[str, Field(pattern="^(en|es)$")]
    next: Annotated[str, Field(max_length=500)] = "/"


def from_form(model: type[M], form: FormData) -> M:
    """Build ``model`` from form fields: lists from repeated fields, empty optionals as None."""
    data: dict[str, Any] = {}
    for name, field in model.model_fields.items():
        if get_origin(field.annotation) is list:
            data[name] = [v for v in form.getlist(name) if v != ""]
        elif name in form:
            value = form[name]
            if value == "" and not field.is_required() and field.default is None:
                continue
            data[name] = value if name != "active" else value in ("on", "true", "1")
    extra = set(form.keys()) - set(model.model_fields) - {"csrf_token"}
    for name in extra:
        data[name] = form[name]
    for name, value in data.items():  # named on its field (the model's own check can't say which)
        for one in value if isinstance(value, list) else [value]:
            if isinstance(one, str) and text_problem(one):
                error = PydanticCustomError("control_chars", "control characters")
                detail: InitErrorDetails = {"type": error, "loc": (name,), "input": ""}
                raise ValidationError.from_exception_data(model.__name__, [detail])
    return model.model_validate(data)


def parsed(model: type[M], form: FormData) -> tuple[M | None, dict[str, str]]:
    """``from_form`` for a route: the form and no errors, or None and one message per field."""
    try:
        return from_form(model, form), {}
    except ValidationError as error:
        return None, messages(error)


def messages(error: ValidationError) -> dict[str, str]:
    """One plain, translated message per field."""
    result: dict[str, str] = {}
    for item in error.errors():
        field = str(item["loc"][0]) if item["loc"] else "form"
        result.setdefault(field, _message(item["type"], item.get("ctx") or {}))
    return result


# Messages that need nothing from the error's context, by pydantic's (or our own) error type.
FIXED_MESSAGES: dict[str, str] = {
    **dict.fromkeys(
        ("float_parsing", "int_parsing", "finite_number", "float_type", "int_type"),
        N_("Enter a number."),
    ),
    **dict.fromkeys(
        ("enum", "literal_error", "string_pattern_mismatch"), N_("Choose one of the options.")
    ),
    "phone": N_("Enter a phone number like 916-555-0101 or +1 916 555 0101."),
    "email": N_("Enter an email address like name@school.org."),
    "control_chars": N_("Remove the hidden control characters from this text."),
    "date_range": N_("Enter a date between 2000 and 2200."),
    **dict.fromkeys(
        ("date_from_datetime_parsing", "date_from_datetime_inexact", "date_parsing", "date_type"),
        N_("Enter a date like 2026-12-31."),
    ),
    "prompt_needed": N_("Say what prompted it, or choose the review."),
    "title_needed": N_("Give your message a title."),
    **dict.fromkeys(("school_needed", "site_needed", "trip_needed"), N_("Choose where it goes.")),
    "where_conflict": N_(
        "Choose one place it goes: you picked a place that your choice does not use."
    ),
    "people_needed": N_("Choose at least one person."),
    "names_clash": N_("Each action needs a name of its own, in each language."),
    "extra_forbidden": N_("This form has a field it does not expect."),
}


def _message(kind: str, ctx: dict[str, Any]) -> str:
    if kind in ("missing", "string_too_short") or (
        kind == "too_short" and not ctx.get("min_length")
    ):
        return _("Please fill this in.")
    if kind == "too_short":
        return _("Choose at least one.")
    if kind == "string_too_long":
        return _("Keep this under %(n)s characters.") % {"n": ctx.get("max_length")}
    if kind == "greater_than_equal":
        return _("Must be %(n)s or more.") % {"n": _number(ctx.get("ge"))}
    if kind == "less_than_equal":
        return _("Must be %(n)s or less.") % {"n": _number(ctx.get("le"))}
    if kind in FIXED_MESSAGES:
        return _(FIXED_MESSAGES[kind])
    return _("This value is not valid.")


def _number(value: Any) -> str:
    return f"{value:g}" if isinstance(value, int | float) else str(value)
