"""What the tabletop scenarios must hold to be run: every expected decision names its source,
each source is in the content brief where the scenario says it is and is used, the Spanish is
written (not the English copied), no trademarked slogan, the brief's ⚠ facts stay out, and each
scenario says what the brief leaves unanswered."""

from __future__ import annotations

import re

import pytest

from server.checklists.library import load_all as load_checklists
from server.exercises.library import load_all
from server.exercises.schema import Scenario
from tests.helpers import TRADEMARKED, UNCONFIRMED, brief, brief_section, texts

SCENARIOS = load_all(load_checklists()).in_order()


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.id)
def test_every_decision_cites_a_source_and_every_source_is_used(scenario: Scenario):
    used = {source for d in scenario.decisions() for source in d.cites}
    used |= set(scenario.situation.cites)
    unused = {source.id for source in scenario.sources} - used
    assert not unused, f"{scenario.id}: sources cited by nothing: {sorted(unused)}"


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.id)
def test_each_source_is_in_the_section_of_the_brief_it_names(scenario: Scenario):
    text = brief()
    if text is None:
        pytest.skip("the content brief is not on this machine (shared/docs/content-brief.md)")
    for source in scenario.sources:
        section = brief_section(text, source.brief)
        assert source.in_brief.lower() in section.lower(), (
            f"{scenario.id}: {source.id}: {source.in_brief!r} is not in section {source.brief}"
        )


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.id)
def test_the_spanish_is_written_not_copied(scenario: Scenario):
    copied = [t.en for t in texts(scenario) if t.en == t.es and re.search(r"[a-z]{4}", t.en)]
    assert not copied, f"{scenario.id}: Spanish the same as the English: {copied}"


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.id)
def test_no_scenario_uses_a_trademarked_slogan_or_an_unconfirmed_fact(scenario: Scenario):
    for text in texts(scenario):
        for said in (text.en, text.es):
            assert not re.search(TRADEMARKED, said.lower()), f"{scenario.id}: {said!r}"
            assert not re.search(UNCONFIRMED, said.lower()), f"{scenario.id}: {said!r}"


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.id)
def test_each_scenario_says_what_the_brief_leaves_out(scenario: Scenario):
    """The facilitator is told which questions the brief does not answer (none are invented)."""
    assert scenario.silent, f"{scenario.id}: say where the brief is silent"


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.id)
def test_every_inject_asks_and_expects(scenario: Scenario):
    for inject in scenario.injects:
        assert inject.questions and inject.expected, inject.id
    assert scenario.injects[-1].minute < scenario.minutes
