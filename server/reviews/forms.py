"""Forms for reviews and the improvement plan: the hot wash (or a near miss), an action, and an
action's status."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError

from server.edge import Day
from server.forms import Form, Text
from server.reviews.models import ActionStatus
from server.tenancy import RecordId

LONG = 5000  # a hot wash's answers: a few paragraphs each


class ReviewForm(Form):
    title: Annotated[str, Text(200, min_length=0)] = ""
    what_happened: Annotated[str, Text(LONG, lines=True)]
    went_well: Annotated[str, Text(LONG, min_length=0, lines=True)] = ""
    to_improve: Annotated[str, Text(LONG, min_length=0, lines=True)] = ""


class ActionForm(Form):
    description: Annotated[str, Text(1000, lines=True)]
    owner: RecordId
    due_on: Day
    prompted_by: Annotated[str, Text(500, min_length=0)] = ""
    review: RecordId | None = None  # the review that prompted it; on a review's page, that one
    checklist: Annotated[str, Field(max_length=64)] = ""  # a checklist whose content must change

    @model_validator(mode="after")
    def prompted(self) -> ActionForm:
        # An action says what prompted it: a review, or words.
        if self.review is None and not self.prompted_by:
            raise PydanticCustomError("prompt_needed", "say what prompted it")
        return self


class ActionStatusForm(Form):
    status: ActionStatus
    back: Literal["home", "plan", "review"] = "plan"  # the page to go back to
