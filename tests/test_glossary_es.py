"""Spanish that holds in an emergency: the words ``shared/docs/glossary-es.md`` rules out never
appear, in the catalogue or in a checklist, and compass points are spelled out ("NO" reads as
the word *no*)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import yaml
from babel.messages.pofile import read_po

from server.action_names import DEFAULTS
from server.checklists.library import CHECKLIST_DIR
from server.i18n import LOCALE_DIR

# Each with the glossary's reason, so a failure says what to write instead.
RULED_OUT = {
    r"\bconfinamiento": "Lockdown is 'Cierre de emergencia (Lockdown)'",
    r"\bdesaparecid[oa]s?\b": "say 'estudiante perdido' or 'Falta un estudiante'",
    r"\breportes? sospechosos?\b": "say 'reporte de algo sospechoso'",
    r"\blistas? de control\b": "a checklist is a 'lista de verificación'",
    r"\bmantenga \d": "a whole sentence: 'Mantenga presionado 2 segundos'",
}
COMPASS_EN = {"N", "NE", "E", "SE", "S", "SW", "W", "NW"}
SPELLED_OUT = {"norte", "noreste", "este", "sureste", "sur", "suroeste", "oeste", "noroeste"}
# "280 m NO de ...": a distance followed by an abbreviated compass point.
ABBREVIATED_BEARING = re.compile(r"\d\s*(?:k?m|mi|ft|pies)\s+(?:al\s+)?(?:N|NE|NO|S|SE|SO|E|O)\b")


def catalogue_strings() -> Iterator[tuple[str, str, str]]:
    """(where, English, Spanish) for every message in the Spanish catalogue."""
    with (LOCALE_DIR / "es" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalogue = read_po(handle, locale="es")
    for message in catalogue:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for text in strings:
            yield f"messages.po: {ids[0]!r}", ids[0], text


def checklist_strings() -> Iterator[tuple[str, str, str]]:
    """(where, English, Spanish) for every string pair in every checklist, lesson and tabletop
    scenario file."""

    def walk(node: object, path: str) -> Iterator[tuple[str, str, str]]:
        if isinstance(node, dict):
            if "es" in node and "en" in node:
                yield path, str(node["en"]), str(node["es"])
            for key, value in node.items():
                yield from walk(value, f"{path}.{key}")
        elif isinstance(node, list):
            for index, value in enumerate(node):
                yield from walk(value, f"{path}[{index}]")

    # and the lessons and scenarios beside them (checklists/lessons/, checklists/exercises/)
    files = [*sorted(CHECKLIST_DIR.glob("*.yaml")), *sorted(CHECKLIST_DIR.glob("lessons/*.yaml"))]
    files += sorted(CHECKLIST_DIR.glob("exercises/*.yaml"))
    for file in files:
        where = str(file.relative_to(CHECKLIST_DIR))
        yield from walk(yaml.safe_load(file.read_text(encoding="utf-8")), where)


def spanish_strings() -> Iterator[tuple[str, str, str]]:
    yield from catalogue_strings()
    yield from checklist_strings()
    for action, names in DEFAULTS.items():  # the five actions' default names, kept in code
        yield f"action_names.DEFAULTS[{action!r}]", names["en"], names["es"]


def test_spanish_never_uses_a_word_the_glossary_rules_out():
    found = [
        f"{where}: {text!r} ({why})"
        for where, _, text in spanish_strings()
        for pattern, why in RULED_OUT.items()
        if re.search(pattern, text, re.IGNORECASE)
    ]
    assert not found, "\n".join(found)


def test_spanish_compass_points_are_spelled_out():
    points = {english: text for _, english, text in catalogue_strings() if english in COMPASS_EN}
    assert set(points) == COMPASS_EN, "the compass points are no longer in the catalogue"
    assert set(points.values()) == SPELLED_OUT, points
    abbreviated = [
        f"{where}: {text!r}"
        for where, _, text in spanish_strings()
        if ABBREVIATED_BEARING.search(text)
    ]
    assert not abbreviated, "\n".join(abbreviated)


def test_the_glossary_check_catches_what_it_is_for():
    # The test above is only as good as its patterns: each ruled-out phrasing is caught.
    bad = [
        "Confinamiento",
        "Estudiante desaparecido",
        "Reporte sospechoso cerca de una escuela",
        "Abrir la lista de control",
        "Mantenga 2 segundos.",
    ]
    for text in bad:
        assert any(re.search(p, text, re.IGNORECASE) for p in RULED_OUT), text
    assert ABBREVIATED_BEARING.search("A 280 m al NO de Lincoln")
    assert not ABBREVIATED_BEARING.search("A 280 m al noroeste de Lincoln")


def _item(checklist: str, item_id: str) -> dict:
    data = yaml.safe_load((CHECKLIST_DIR / f"{checklist}.yaml").read_text(encoding="utf-8"))
    for section in data["sections"]:
        for item in section["items"]:
            if item["id"] == item_id:
                return item
    raise AssertionError(f"{checklist} has no item {item_id}")


def test_bleeding_control_spanish_keeps_what_the_english_says():
    # "go above the joint": the Spanish names the joint, not just "higher".
    place = _item("bleeding-control", "tourniquet-place")["detail"]["es"]
    assert "arriba de la articulación" in place
    # "just above the first one": never read as stacking one tourniquet on the other.
    second = _item("bleeding-control", "tourniquet-leave")["detail"]["es"]
    assert "encima del primero" not in second and "arriba del primero" in second
    # "push gauze ... deep into it": the depth is not dropped (limb and junctional wounds, and
    # the deep wound of the no-tourniquet path).
    assert "bien adentro" in _item("bleeding-control", "pack-limb-junction")["text"]["es"]
    assert "bien adentro" in _item("bleeding-control", "no-tourniquet-press")["detail"]["es"]


def test_the_five_actions_are_named_spanish_then_the_english_term():
    # As staff hear them on the PA: "Cierre de emergencia (Lockdown)".
    for names in DEFAULTS.values():
        assert names["es"].endswith(f"({names['en']})"), names
