"""What the lessons must hold to be taught: each claim names its source, each source is in the
content brief where the lesson says it is, the Spanish is there (not the English copied), no
trademarked slogan, and the ⚠ facts of the brief stay out."""

from __future__ import annotations

import re

import pytest

from server.checklists.library import load_all as load_checklists
from server.lessons.library import load_all
from server.lessons.schema import Lesson
from tests.helpers import TRADEMARKED, UNCONFIRMED, brief, brief_section, texts

LESSONS = load_all(load_checklists()).in_order()


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.id)
def test_every_claim_cites_a_source_and_every_source_is_used(lesson: Lesson):
    claims = [*lesson.points(), *lesson.questions, lesson.scenario]
    assert all(claim.cites for claim in claims)
    used = {source for claim in claims for source in claim.cites}
    unused = {source.id for source in lesson.sources} - used
    assert not unused, f"{lesson.id}: sources cited by nothing: {sorted(unused)}"


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.id)
def test_each_source_is_in_the_section_of_the_brief_it_names(lesson: Lesson):
    text = brief()
    if text is None:
        pytest.skip("the content brief is not on this machine (shared/docs/content-brief.md)")
    for source in lesson.sources:
        section = brief_section(text, source.brief)
        assert source.in_brief.lower() in section.lower(), (
            f"{lesson.id}: {source.id}: {source.in_brief!r} is not in section {source.brief}"
        )


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.id)
def test_the_spanish_is_written_not_copied(lesson: Lesson):
    copied = [t.en for t in texts(lesson) if t.en == t.es and re.search(r"[a-z]{4}", t.en)]
    assert not copied, f"{lesson.id}: Spanish the same as the English: {copied}"


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.id)
def test_no_lesson_uses_a_trademarked_slogan(lesson: Lesson):
    for text in texts(lesson):
        for said in (text.en, text.es):
            assert not re.search(TRADEMARKED, said.lower()), f"{lesson.id}: {said!r}"


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.id)
def test_the_unconfirmed_facts_stay_out(lesson: Lesson):
    for text in texts(lesson):
        for said in (text.en, text.es):
            assert not re.search(UNCONFIRMED, said.lower()), f"{lesson.id}: {said!r}"


def test_the_content_checks_catch_what_they_are_for():
    assert re.search(UNCONFIRMED, "keep pressing for at least 3 minutes")
    assert re.search(UNCONFIRMED, "presione por tres minutos")
    assert re.search(TRADEMARKED, "stop the bleed")
    text = brief()
    if text is not None:
        assert "NIST" in brief_section(text, 8) and "NIST" not in brief_section(text, 7)
