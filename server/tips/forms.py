"""The tip line's forms, checked at the edge: the tip itself (every field with a size limit, and
the honeypot a person never sees), the follow-up code, the tipster's answer and the team's
question."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from server.edge import Text
from server.forms import Form
from server.tenancy import RecordId
from server.tips.models import Reporter

MESSAGE_LENGTH = 2000


class TipForm(Form):
    urgent: bool  # "Could someone be hurt today?"
    what: Annotated[str, Text(4000, lines=True)]  # what was said or done
    exact_words: Annotated[str, Text(2000, min_length=0, lines=True)] = ""
    place: Annotated[str, Text(300, min_length=0)] = ""
    happened: Annotated[str, Text(200, min_length=0)] = ""  # when, in their words
    involved: Annotated[str, Text(1000, min_length=0, lines=True)] = ""
    others_know: Annotated[str, Text(1000, min_length=0, lines=True)] = ""
    reporter: Reporter = Reporter.UNSAID
    school: RecordId | None = None  # none: the tipster doesn't know or won't say
    # The honeypot: hidden from people (and from screen readers), filled in by form-filling
    # robots. Any length is read, so a robot is never told it was caught.
    website: Annotated[str, Field(max_length=100_000)] = ""


class CodeForm(Form):
    code: Annotated[str, Field(max_length=100)]  # checked by codes.normalised, not here


class MessageForm(Form):
    """A question from the team, or an answer from the tipster."""

    body: Annotated[str, Text(MESSAGE_LENGTH, lines=True)]
