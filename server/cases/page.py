"""The labels every case page shows (each marked for translation), said once."""

from __future__ import annotations

from typing import Any

from server.cases.models import (
    ENTRY_LABELS,
    LEVEL_LABELS,
    MARKER_LABELS,
    SOURCE_LABELS,
    STAGE_LABELS,
    SUPPORT_LABELS,
    SUPPORT_STATUS_LABELS,
)
from server.cases.record import ASSESSMENT_ON, INQUIRY_ON, MANAGEMENT_ON
from server.cases.rules import ANSWER_LABELS, ORDER, QUESTIONS

LABELS: dict[str, Any] = {
    "stages": STAGE_LABELS,
    "spine": ORDER,
    "levels": LEVEL_LABELS,
    "source_labels": SOURCE_LABELS,
    "marker_labels": MARKER_LABELS,
    "entry_labels": ENTRY_LABELS,
    "support_labels": SUPPORT_LABELS,
    "support_statuses": SUPPORT_STATUS_LABELS,
    "answers": ANSWER_LABELS,
    "questions": QUESTIONS,
    "inquiry_on": INQUIRY_ON,  # the stages at which each part of the record is written
    "assessment_on": ASSESSMENT_ON,
    "management_on": MANAGEMENT_ON,
}
