"""The forms of email and SMS: asking for a code for a phone number or email address, entering
it, removing a verified one, and the district's settings."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, Field
from pydantic_core import PydanticCustomError

from server.edge import Text
from server.forms import Email, Form


def e164(number: str) -> str:
    """A US number as SMS gateways want it: +1 and ten digits; other countries' with their +."""
    digits = re.sub(r"\D", "", number)
    if number.strip().startswith("+"):
        found = "+" + digits
    elif len(digits) == 10:
        found = "+1" + digits
    elif len(digits) == 11 and digits.startswith("1"):
        found = "+" + digits
    else:
        raise PydanticCustomError("phone", "phone")
    if not re.fullmatch(r"\+[1-9][0-9]{7,14}", found):
        raise PydanticCustomError("phone", "phone")
    return found


class PhoneCodeForm(Form):
    phone: Annotated[str, Text(40), AfterValidator(e164)]


class EmailCodeForm(Form):
    email: Email


class CodeForm(Form):
    channel: Literal["sms", "email"]
    code: Annotated[str, Text(12), Field(pattern=r"^\s*[0-9]{6}\s*$")]


class RemoveContactForm(Form):
    """The first press asks again (``confirm`` unset); the second, on the question, removes."""

    channel: Literal["sms", "email"]
    confirm: bool = False


class ChannelSettingsForm(Form):
    sms_to_all: bool = False
    sms_daily_cap: Annotated[int, Field(ge=0, le=1_000_000)]
    escalate_minutes: Annotated[int, Field(ge=1, le=60)]
