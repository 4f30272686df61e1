"""What the checklists must never say, and what they must: content that would lead a person wrong
under stress (content brief sections 2, 3 and 5), checked in English and Spanish."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from server.checklists.library import load_all

LIBRARY = load_all()
CURRENT = list(LIBRARY.checklists.values())


def strings(checklist, locale: str) -> list[str]:
    """Every string a person reads in this checklist, in one language, lower case."""
    parts = [checklist.title.get(locale), checklist.summary.get(locale)]
    for section in checklist.sections:
        parts += [section.title.get(locale), section.note.get(locale) if section.note else ""]
        for item in section.items:
            parts += [item.text.get(locale), item.detail.get(locale) if item.detail else ""]
            parts += [o.label.get(locale) for o in getattr(item, "options", [])]
    return [part.lower() for part in parts if part]


def words(checklist, locale: str) -> str:
    return " | ".join(strings(checklist, locale))


def says(checklist, locale: str, pattern: str) -> str | None:
    """The first string that matches, checked string by string (not across two items)."""
    return next((s for s in strings(checklist, locale) if re.search(pattern, s)), None)


NEVER = {
    "en": {
        "a wait of 30 minutes": r"30[- ]minute|30 minutes|thirty minutes",
        "raising the legs": r"(?<!not )(?<!n't )\b(raise|lift|elevate)\w* (their |the )?legs",
        "packing the chest": r"(?<!never )\bpack\w*[^.]*(chest|belly)|(chest|belly)[^.]*\bpack",
    },
    "es": {
        "a wait of 30 minutes": r"30 minutos|treinta minutos",
        "raising the legs": r"(?<!no le )(?<!no )\b(levante|eleve) (sus |las )?piernas",
        "packing the chest": r"(?<!no )\b(rellene|tapone)[^.]*(pecho|vientre)",
    },
}


@pytest.mark.parametrize("checklist", CURRENT, ids=lambda c: c.id)
@pytest.mark.parametrize("locale", ["en", "es"])
def test_no_checklist_waits_30_minutes_raises_the_legs_or_packs_the_chest(checklist, locale):
    for what, pattern in NEVER[locale].items():
        found = says(checklist, locale, pattern)
        assert found is None, f"{checklist.id} ({locale}) says {what}: {found!r}"


def test_the_content_test_catches_what_it_is_for():
    """The patterns match the wrong advice the old versions gave (kept for runs in progress)."""
    old_bleeding = LIBRARY.kept[("bleeding-control", 1)]
    assert says(old_bleeding, "en", NEVER["en"]["raising the legs"])
    assert says(old_bleeding, "es", NEVER["es"]["raising the legs"])
    old_trip = LIBRARY.kept[("field-trip-departure", 2)]
    assert says(old_trip, "en", NEVER["en"]["a wait of 30 minutes"])
    assert says(old_trip, "es", NEVER["es"]["a wait of 30 minutes"])
    assert re.search(NEVER["en"]["packing the chest"], "pack the wound in the chest")
    assert re.search(NEVER["es"]["packing the chest"], "rellene la herida del pecho")
    assert not re.search(NEVER["en"]["raising the legs"], "do not raise their legs.")


MUST = {
    "en": {
        "the 100-yard distance": r"100 yards \(300 feet\)",
        "no phone or radio near it": r"phone or radio",
        "the fire-alarm rule": r"do not pull (the|a) fire alarm",
        "don't touch, move or cover": r"touch[^|]*move[^|]*cover",
    },
    "es": {
        "the 100-yard distance": r"100 yardas \(300 pies",
        "no phone or radio near it": r"teléfono ni (su )?radio",
        "the fire-alarm rule": r"no active la alarma de incendios",
        "don't touch, move or cover": r"toque[^|]*mueva[^|]*tape",
    },
}


@pytest.mark.parametrize(
    "checklist_id", ["threat-call", "bus-pre-route", "bomb-threat-management", "bus-en-route"]
)
@pytest.mark.parametrize("locale", ["en", "es"])
def test_the_call_script_and_the_bus_check_keep_distance_and_never_pull_the_alarm(
    checklist_id, locale
):
    text = words(LIBRARY.get(checklist_id), locale)
    for what, pattern in MUST[locale].items():
        assert re.search(pattern, text), f"{checklist_id} ({locale}) lacks {what}"


def test_the_bus_check_report_asks_for_no_photo():
    checklist = LIBRARY.get("bus-pre-route")
    [report] = [i for i in checklist.items() if i.kind == "action" and i.report]
    assert report.photo is False
    assert "photo" in report.detail.en.lower() and "fotos" in report.detail.es.lower()


def test_the_call_scripts_do_not_rules_come_after_the_call_before_anything_else():
    checklist = LIBRARY.get("threat-call")
    after = next(s for s in checklist.sections if s.id == "after")
    ids = [i.id for i in after.items]
    assert ids.index("after-no-fire-alarm") < ids.index("write-now")
    assert ids.index("report-now") < ids.index("after-no-fire-alarm")


def test_bleeding_control_has_a_path_without_a_tourniquet():
    checklist = LIBRARY.get("bleeding-control")
    by_id = {i.id: i for i in checklist.items()}
    no_tourniquet = [
        i
        for i in checklist.items()
        if i.show_if and i.show_if.item == "have-tourniquet" and i.show_if.equals is False
    ]
    assert {"no-tourniquet-press", "improvised-tourniquet"} <= {i.id for i in no_tourniquet}
    assert "keep pressing" in by_id["no-tourniquet-press"].text.en.lower()
    # packing only where the brief allows: limbs and where a limb meets the body
    assert by_id["pack-limb-junction"].show_if.equals == "neck-armpit-groin"
    assert "never" in by_id["chest-belly-cover"].text.en.lower()


def test_the_lost_student_branch_calls_911_at_once_when_in_danger_and_never_waits_past_ten():
    checklist = LIBRARY.get("field-trip-departure")
    text = words(checklist, "en")
    assert "call 911 now" in text
    for sign in ("very young", "medical needs", "seen with someone", "water or traffic"):
        assert sign in text
    assert "never wait more than 10 minutes" in text
    assert "never send a student to search" in text and "security" in text
    [screen] = [i for i in checklist.items() if i.kind == "action" and i.lost_student]
    assert screen.alert is None  # the trip's missing-student screen raises the one alert


# -- the recovery checklist (content brief sections 2, 10, 12 and 14) ---------------------------

TRADEMARKED = r"stop the bleed\b|i love u guys|standard response protocol|\balice\b|say something"


@pytest.mark.parametrize("checklist", CURRENT, ids=lambda c: c.id)
@pytest.mark.parametrize("locale", ["en", "es"])
def test_no_checklist_uses_a_trademarked_slogan(checklist, locale):
    found = says(checklist, locale, TRADEMARKED)
    assert found is None, f"{checklist.id} ({locale}): {found!r}"


def test_the_trademark_check_catches_what_it_is_for():
    for slogan in ("Stop the Bleed", "I Love U Guys", "If you see something, say something"):
        assert re.search(TRADEMARKED, slogan.lower()), slogan
    assert not re.search(TRADEMARKED, "stop the bleeding")  # plain words stay allowed


# Items that tell a person what to do or what is so; the rest only record (a time, a name, the
# statement as given) and claim nothing.
CLAIMS = {"instruction", "check", "yes_no", "choice", "chips", "action"}


# The checklists written from the brief with each step cited (the earlier ones cite by topic).
CITED = [
    "recovery",
    "bomb-threat-management",
    "active-threat",
    "bus-en-route",
    "weapon-found",
    "human-reaction",
    "suspicious-people-vehicles",
    "de-escalation",
    "drill-observation",
]


@pytest.mark.parametrize("checklist_id", CITED)
def test_every_step_that_claims_something_names_its_source(checklist_id):
    """Each step that tells people what to do is named in the ``facts`` of the source it comes
    from (the content brief's), and every step a source names exists."""
    checklist = LIBRARY.get(checklist_id)
    facts = " ".join(source.facts for source in checklist.sources)
    claiming = {item.id for item in checklist.items() if item.kind in CLAIMS}
    uncited = sorted(i for i in claiming if not re.search(rf"\b{re.escape(i)}\b", facts))
    assert not uncited, f"steps with no source: {uncited}"
    # "Steps a, b, c: ..." (or "Step a: ...") in each source's facts: every one named exists
    named = {
        step.strip()
        for listed in re.findall(r"\bSteps? ([a-z0-9, -]+?):", facts)
        for step in listed.split(",")
    }
    assert named == claiming, sorted(named ^ claiming)


def test_the_first_aid_card_says_what_to_say_and_what_never_to_say():
    checklist = LIBRARY.get("recovery")
    sections = {s.id: s for s in checklist.sections}
    say, dont = sections["pfa-say"], sections["pfa-dont"]
    assert [i.id for i in say.items][:2] == ["pfa-introduce", "pfa-calm"]
    for item in dont.items:  # every line of the "don't" card is a "do not", in both languages
        assert item.text.en.startswith("Do not"), item.id
        assert item.text.es.startswith("No "), item.id
    dont_en = " | ".join(i.text.en.lower() for i in dont.items)
    for rule in ("push anyone to tell", "promises", "know how they feel", "judge", "rumours"):
        assert rule in dont_en, rule
    # "I know how you feel" is never offered as something to say
    for locale, pattern in (("en", r"know how (you|they) feel"), ("es", r"sabe cómo se sient")):
        found = [s for s in strings(checklist, locale) if re.search(pattern, s)]
        assert found and all(s.startswith(("do not", "no ")) for s in found), found
    # the people who need more help go to the mental-health lead; staff are cared for too
    text = words(checklist, "en")
    assert "mental-health lead" in text and "staff need this care too" in text


def test_families_go_to_the_reunification_site_never_the_school():
    checklist = LIBRARY.get("recovery")
    by_id = {i.id: i for i in checklist.items()}
    assert "never to the school" in by_id["family-site"].text.en
    assert "nunca a la escuela" in by_id["family-site"].text.es
    assert "photo id" in by_id["family-id"].text.en.lower()
    assert by_id["family-official"].critical
    assert "apart" in by_id["family-areas"].text.en and "away from" in by_id["media-area"].text.en
    # sending students home goes through the site, shown only when that is the decision
    dismiss = by_id["dismiss-reunify"]
    assert dismiss.show_if.item == "decide" and dismiss.show_if.equals == "dismiss"


def test_the_recovery_checklist_gives_no_advice_the_brief_does_not_hold():
    """The media statement, the decision to go back in and the plan for the days back are
    written down by the team, never advised (the brief has no facts for them)."""
    checklist = LIBRARY.get("recovery")
    by_id = {i.id: i for i in checklist.items()}
    for item_id in ("media-statement", "return-plan"):
        assert by_id[item_id].kind == "long_text" and by_id[item_id].detail is None
    assert by_id["decide"].kind == "choice" and by_id["decide"].detail is None
    assert [o.id for o in by_id["decide"].options] == ["reoccupy", "dismiss", "not-yet"]
    assert checklist.audience == ["admin", "safety"]
    assert [c.value for c in checklist.context] == ["incident"]


# -- bomb threat management, after the call (content brief, section 2) --------------------------


def _content_brief() -> Path | None:
    """The content brief (``shared/docs/content-brief.md``) beside the repository or above it
    (the main checkout and worktrees sit at different depths), when this machine has it."""
    root = Path(__file__).resolve().parent.parent
    for folder in (root, *root.parents):
        brief = folder / "shared" / "docs" / "content-brief.md"
        if brief.is_file():
            return brief
    return None


# The brief's stand-off chart (section 2, NCTC), least and preferred distance in feet: kept here
# so the card is checked on any machine; checked against the brief itself where it is at hand.
BRIEF_STANDOFF = {
    "pipe bomb": (70, 1200),
    "suicide vest": (110, 1700),
    "briefcase": (150, 1850),
    "car": (320, 1900),
    "suv/van": (400, 2400),
}


# The brief's names for the rows of the stand-off chart, and the card's item for each.
STANDOFF_ROWS = {
    "pipe bomb": "standoff-pipe",
    "suicide vest": "standoff-vest",
    "briefcase": "standoff-briefcase",
    "car": "standoff-car",
    "suv/van": "standoff-suv",
}


ROW = r"\s*(.+?) ([\d,]+)(?: ft mandatory)? / ([\d,]+)(?: ft preferred)?\.?\s*"


def _brief_standoff_table(text: str) -> dict[str, tuple[int, int]]:
    """Each row of the brief's stand-off chart: its least and its preferred distance, in feet."""
    [line] = re.findall(r"Standoff distances \(NCTC[^)]*\):(.*?)(?:\n\n|\n## )", text, re.S)
    rows = {}
    for row in " ".join(line.split()).split(";"):
        found = re.fullmatch(ROW, row)
        assert found, f"a row of the brief's stand-off table did not parse: {row!r}"
        name, least, better = found.groups()
        rows[name.lower()] = (int(least.replace(",", "")), int(better.replace(",", "")))
    return rows


def _feet(text: str) -> tuple[int, ...]:
    return tuple(int(n.replace(",", "")) for n in re.findall(r"\d[\d,]*\d|\d", text))


def test_the_kept_standoff_table_equals_the_briefs():
    brief = _content_brief()
    if brief is None:
        pytest.skip("the content brief is not on this machine (shared/docs/content-brief.md)")
    assert _brief_standoff_table(brief.read_text(encoding="utf-8")) == BRIEF_STANDOFF


def test_the_standoff_card_equals_the_briefs_table():
    table = BRIEF_STANDOFF
    assert set(table) == set(STANDOFF_ROWS), sorted(table)
    checklist = LIBRARY.get("bomb-threat-management")
    [card] = [s for s in checklist.sections if s.id == "standoff"]
    assert [i.id for i in card.items] == list(STANDOFF_ROWS.values())
    by_id = {i.id: i for i in card.items}
    for name, item_id in STANDOFF_ROWS.items():
        item = by_id[item_id]
        assert item.kind == "instruction"
        assert _feet(item.text.en) == table[name], (item_id, item.text.en)
        assert _feet(item.text.es) == table[name], (item_id, item.text.es)
        assert "at least" in item.text.en and "feet" in item.text.en
        assert "por lo menos" in item.text.es and "pies" in item.text.es


def test_the_standoff_check_catches_a_wrong_number():
    brief = (
        "Standoff distances (NCTC bomb threat stand-off chart): car 320 / 1,900;"
        " SUV/van 400 / 2,400.\n\n"
    )
    assert _brief_standoff_table(brief) == {"car": (320, 1900), "suv/van": (400, 2400)}
    assert _feet("Car: at least 230 feet. Better: 1,900 feet.") != (320, 1900)


def test_bomb_threat_management_decides_searches_and_records():
    checklist = LIBRARY.get("bomb-threat-management")
    by_id = {i.id: i for i in checklist.items()}
    # the three levels, and the options the brief names (search first is how search results come in)
    assert [o.id for o in by_id["risk"].options] == ["low", "medium", "high"]
    options = [o.id for o in by_id["decision"].options]
    assert options == ["no-action", "search", "lockdown", "evacuate"]
    for scope in ("lockdown-scope", "evacuate-scope"):
        assert [o.id for o in by_id[scope].options] == ["part", "whole"]
        assert by_id[scope].show_if.item == "decision"
    assert by_id["risk"].critical and by_id["decision"].critical and by_id["with-police"].critical
    # decisions are recorded with their time and reasons as the run goes
    for record, kind in (("decision-time", "timestamp"), ("decision-notes", "long_text")):
        assert by_id[record].kind == kind
    # the search: outside first, bottom floor up, two people a room, the words to report
    assert "outside first" in by_id["search-outside-first"].text.en.lower()
    assert "bottom floor" in by_id["search-outside-first"].text.en.lower()
    assert "two people" in by_id["room-two"].text.en.lower()
    assert "no device found" in by_id["report-wording"].text.en
    assert "never say “no bomb”" in by_id["report-wording"].text.en.lower()
    assert "nunca diga “no hay bomba”" in by_id["report-wording"].text.es.lower()
    # the suspicious-item test: hidden, obviously suspicious, not typical
    [card] = [s for s in checklist.sections if s.id == "suspicious-item"]
    signs = card.items[:3]
    assert [i.id for i in signs] == ["hot-hidden", "hot-obvious", "hot-typical"]
    # evacuation: routes and assembly areas away from the item, searched first, must be done
    for step in ("evac-routes", "evac-search-first", "evac-account"):
        assert by_id[step].critical and by_id[step].show_if.equals == "evacuate"
    assert "away from any suspicious item" in by_id["evac-routes"].text.en
    assert "lejos de cualquier objeto sospechoso" in by_id["evac-routes"].text.es
    # for the people who decide: admins, the safety team, the office
    assert set(checklist.audience) == {"admin", "safety", "office"}


# -- issue 18: the checklists that were missing (content brief, sections 4, 6, 7, 8 and 13) -----

# Each new checklist and the sections of the brief its facts come from.
BRIEF_SECTIONS = {
    "active-threat": (7,),
    "bus-en-route": (2, 4, 6),
    "weapon-found": (13,),
    "human-reaction": (8,),
    "suspicious-people-vehicles": (6,),
    "de-escalation": (13,),
}
REFERENCE_CARDS = ("human-reaction", "suspicious-people-vehicles", "de-escalation")


def pairs(checklist) -> list[tuple[str, str]]:
    """Every (English, Spanish) pair a person reads in this checklist."""
    texts = [checklist.title, checklist.summary]
    for section in checklist.sections:
        texts += [section.title, *([section.note] if section.note else [])]
        for item in section.items:
            texts += [item.text, *([item.detail] if item.detail else [])]
            texts += [o.label for o in getattr(item, "options", [])]
    return [(text.en, text.es) for text in texts]


@pytest.mark.parametrize("checklist_id", BRIEF_SECTIONS)
def test_the_spanish_is_complete(checklist_id):
    """Every string has its own Spanish: never blank, never the English left in place."""
    for en, es in pairs(LIBRARY.get(checklist_id)):
        assert es.strip() and es != en, (checklist_id, en)


# A quantity in our words and in the brief's: (number, unit).
UNITS = {
    "minute": "min", "minutes": "min", "min": "min", "minutos": "min",
    "feet": "ft", "ft": "ft", "pies": "ft",
    "yards": "yd", "yardas": "yd",
    "inches": "in", "in": "in", "pulgadas": "in",
    "pounds": "lb", "lb": "lb", "libras": "lb",
    "seconds": "s", "segundos": "s", "hours": "h", "horas": "h",
}  # fmt: skip
QUANTITY = re.compile(r"(\d[\d,]*\d|\d)\s*(" + "|".join(UNITS) + r")\b", re.I)


def quantities(text: str) -> set[tuple[int, str]]:
    return {(int(n.replace(",", "")), UNITS[u.lower()]) for n, u in QUANTITY.findall(text)}


def brief_section(text: str, number: int) -> str:
    [found] = re.findall(rf"\n## {number}\. .*?(?=\n## |\Z)", text, re.S)
    return found


@pytest.mark.parametrize("checklist_id", BRIEF_SECTIONS)
def test_every_number_is_the_briefs_and_the_same_in_spanish(checklist_id):
    """A time, distance, height or weight in a checklist is one the brief gives in the sections
    it draws from (checked where the brief is at hand), and the Spanish says the same number."""
    checklist = LIBRARY.get(checklist_id)
    said = set()
    for en, es in pairs(checklist):
        assert quantities(en) == quantities(es), (checklist_id, en, es)
        said |= quantities(en)
    brief = _content_brief()
    if brief is None:
        pytest.skip("the content brief is not on this machine (shared/docs/content-brief.md)")
    text = brief.read_text(encoding="utf-8")
    allowed = set().union(
        *(quantities(brief_section(text, n)) for n in BRIEF_SECTIONS[checklist_id])
    )
    assert said <= allowed, sorted(said - allowed)


def test_the_number_check_catches_a_wrong_number():
    assert quantities("about 6 minutes") == {(6, "min")} == quantities("~6 min")
    assert quantities("to the nearest 2 inches") == quantities("nearest 2 in")
    assert quantities("100 yards (300 feet)") == {(100, "yd"), (300, "ft")}
    assert quantities("unos 6 minutos") != quantities("about 8 minutes")
    assert quantities("100 yardas (300 pies, unos 100 metros)") == {(100, "yd"), (300, "ft")}
    assert quantities("On 9/11, people in the towers") == set()  # a date, not a height


def test_the_human_reaction_card_gives_the_briefs_figure():
    by_id = {i.id: i for i in LIBRARY.get("human-reaction").items()}
    assert quantities(by_id["wait-6"].text.en) == {(6, "min")}
    assert "9/11" in by_id["wait-6"].text.en and "11 de septiembre" in by_id["wait-6"].text.es
    # the design consequence: one step a screen, big buttons, plain words, no fine taps
    words_en = by_id["one-step"].text.en.lower()
    assert all(w in words_en for w in ("one step a screen", "big buttons", "plain words"))


@pytest.mark.parametrize("checklist_id", REFERENCE_CARDS)
def test_a_reference_card_is_read_never_answered(checklist_id):
    checklist = LIBRARY.get(checklist_id)
    assert checklist.reference and checklist.mode.value == "reference"
    assert {item.kind for item in checklist.items()} == {"instruction"}
    assert not checklist.context


@pytest.mark.parametrize("locale", ["en", "es"])
def test_the_active_threat_checklist_says_what_the_brief_says(locale):
    checklist = LIBRARY.get("active-threat")
    by_id = {i.id: i for i in checklist.items()}
    text = {key: item.text.get(locale).lower() for key, item in by_id.items()}
    # the five actions, in the order districts teach them, in the glossary's names
    names = {
        "en": ["hold:", "secure:", "lockdown:", "evacuate:", "shelter:"],
        "es": [
            "permanecer en el salón (hold)",
            "asegurar el edificio (secure)",
            "cierre de emergencia (lockdown)",
            "evacuar (evacuate)",
            "refugiarse (shelter)",
        ],
    }[locale]
    actions = [i for i in checklist.sections[0].items if i.id.startswith("action-")]
    assert [i.id for i in actions] == [
        "action-hold", "action-secure", "action-lockdown", "action-evacuate", "action-shelter"
    ]  # fmt: skip
    for item, name in zip(actions, names, strict=True):
        assert item.text.get(locale).lower().startswith(name), item.id
    # lockdown: the danger inside, the door never opened
    assert ("inside" if locale == "en" else "adentro") in text["action-lockdown"]
    assert ("don't open the door" if locale == "en" else "no abra la puerta") in text[
        "action-lockdown"
    ]
    # the last resort is the last step of its card, and says so
    plan = [i.id for i in checklist.sections[1].items]
    assert plan.index("last-resort") > plan.index("barricade") > plan.index("get-out")
    assert ("last resort" if locale == "en" else "último recurso") in text["last-resort"]
    # the police: hands empty and seen, no sudden moves
    assert ("empty" if locale == "en" else "vacías") in text["police-hands"]
    assert ("sudden" if locale == "en" else "bruscos") in text["police-still"]
    # what 911 needs: where, how many, what they look like, weapons, how many hurt
    wanted = {
        "en": ("where", "how many attackers", "look like", "weapons", "hurt"),
        "es": ("dónde", "cuántos atacantes", "cómo son", "armas", "heridas"),
    }[locale]
    assert all(w in text["tell-911"] for w in wanted), text["tell-911"]
    assert re.search(MUST[locale]["the fire-alarm rule"], words(checklist, locale))


def test_the_active_threat_checklist_uses_no_programme_slogan():
    """The actions in our own words: not the federal slogan, nor a trademarked programme's."""
    for locale in ("en", "es"):
        assert not says(LIBRARY.get("active-threat"), locale, r"run[,.]? hide[,.]? fight")
    assert re.search(r"run[,.]? hide[,.]? fight", "run, hide, fight")


def test_the_active_threat_checklist_says_nothing_of_buses_or_trips():
    """The brief has no facts for an attack on a bus or a field trip: nothing is said of either."""
    checklist = LIBRARY.get("active-threat")
    assert not says(checklist, "en", r"\bbus\b|field trip")
    assert not says(checklist, "es", r"autobús|excursión")


@pytest.mark.parametrize("locale", ["en", "es"])
def test_a_weapon_found_is_never_handled_by_default(locale):
    checklist = LIBRARY.get("weapon-found")
    by_id = {i.id: i for i in checklist.items()}
    never = by_id["no-touch"].text.get(locale).lower()
    wanted = {"en": ("touch", "move", "unload"), "es": ("toque", "mueva", "descargar")}[locale]
    assert all(w in never for w in wanted), never
    assert checklist.sections[0].items[0].id == "no-touch"  # the first thing it says
    # people kept away, the area held until the police take over, both calls made at once
    for step in ("keep-away", "control-area", "call-admin", "call-police"):
        assert by_id[step].kind == "check" and by_id[step].critical, step
    assert ("police take over" if locale == "en" else "policía se haga cargo") in by_id[
        "control-area"
    ].text.get(locale)
    assert ("search" if locale == "en" else "revise") in by_id["no-search"].text.get(locale)
    # it writes down what, where and who was near
    assert {"what-it-is", "where-it-is", "who-near"} <= set(by_id)
    # and never tells anyone how to handle one: no step offers it
    handle = {
        "en": r"\b(how to|you may|allowed to) (handle|unload|pick)",
        "es": r"puede (manejar|descargar)",
    }
    assert not says(checklist, locale, handle[locale])
    assert not [i for i in checklist.items() if i.kind == "action"]


def test_the_bus_route_checklist_follows_the_brief_for_each_case():
    checklist = LIBRARY.get("bus-en-route")
    by_id = {i.id: i for i in checklist.items()}
    assert [o.id for o in by_id["situation"].options] == [
        "followed",
        "stranger",
        "boarding",
        "item",
    ]
    shown = {}
    for item in checklist.items():
        if item.show_if and item.show_if.item == "situation":
            shown.setdefault(item.show_if.equals, []).append(item.id)
    assert "followed-dispatch" in shown["followed"]
    assert shown["stranger"][0] == "stop-drive-on" and "drive on" in by_id["stop-drive-on"].text.en
    assert shown["boarding"][:3] == ["board-control", "board-dispatch", "board-police"]
    assert "door" in by_id["board-control"].text.en and "police" in by_id["board-police"].text.en
    # an item: not touched first, then the three signs; only a suspicious one empties the bus
    assert shown["item"][:3] == ["item-no-touch", "item-signs", "item-suspicious"]
    for step in ("item-clear", "item-no-radio", "item-no-fire-alarm"):
        assert by_id[step].show_if.item == "item-suspicious" and by_id[step].show_if.equals is True
    assert set(checklist.audience) == {"driver"}


@pytest.mark.parametrize("locale", ["en", "es"])
def test_the_suspicious_people_card_reports_behaviour_never_who_someone_is(locale):
    checklist = LIBRARY.get("suspicious-people-vehicles")
    by_id = {i.id: i for i in checklist.items()}
    never = by_id["never-suspicious"].text.get(locale).lower()
    wanted = {
        "en": ("race", "ethnicity", "gender", "religion", "never"),
        "es": ("raza", "étnico", "género", "religión", "nunca"),
    }[locale]
    assert all(w in never for w in wanted), never
    assert checklist.items()[0].id == "behaviour-not-who"  # the card opens with it
    assert ("plate matters most" if locale == "en" else "placa es lo más importante") in by_id[
        "vehicle-plate"
    ].text.get(locale)


@pytest.mark.parametrize("locale", ["en", "es"])
def test_the_de_escalation_card_keeps_a_way_out_and_calls_for_help(locale):
    by_id = {i.id: i for i in LIBRARY.get("de-escalation").items()}
    assert ("arm's length" if locale == "en" else "un brazo") in by_id["space"].text.get(locale)
    assert ("way out" if locale == "en" else "salida") in by_id["exit"].text.get(locale)
    assert ("call for help" if locale == "en" else "pedir ayuda") in by_id["step-back"].text.get(
        locale
    )
    assert ("don't argue" if locale == "en" else "no discuta") in by_id["no-argue"].text.get(
        locale
    ).lower()
