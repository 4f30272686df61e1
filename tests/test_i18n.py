"""Both languages stay complete, and the language follows the person, then the browser."""

from __future__ import annotations

import re

from babel.messages.pofile import read_po

from server.i18n import LANGUAGES, LOCALE_DIR, choose_locale
from server.i18n_catalogue import extract
from tests.helpers import html

PLACEHOLDER = re.compile(r"%\(\w+\)s")


def _catalogue(code: str):
    with (LOCALE_DIR / code / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle, locale=code)


def test_every_ui_string_is_translated_in_every_language():
    source = extract()
    assert len(source) > 50, "extraction found almost nothing: is babel.cfg right?"
    for code in LANGUAGES:
        if code == "en":
            continue
        catalogue = _catalogue(code)
        missing = []
        for message in source:
            if not message.id:
                continue
            found = catalogue.get(message.id)
            strings = found.string if found else None
            if isinstance(strings, str):
                strings = (strings,)
            if not found or found.fuzzy or not strings or not all(strings):
                missing.append(message.id)
        assert not missing, f"{code}: untranslated (run `python -m server i18n-update`): {missing}"


def test_translations_keep_their_placeholders():
    for code in LANGUAGES:
        if code == "en":
            continue
        for message in _catalogue(code):
            ids = message.id if isinstance(message.id, tuple) else (message.id,)
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            if not message.id:
                continue
            expected = set(PLACEHOLDER.findall(ids[-1]))
            for string in strings:
                assert set(PLACEHOLDER.findall(string)) == expected, (code, message.id, string)


def test_language_choice_order():
    assert choose_locale("es", "en", "en-US") == "es"  # the person's setting wins
    assert choose_locale(None, "es", "en-US") == "es"  # then their choice this session
    assert choose_locale(None, None, "es-MX,es;q=0.9,en;q=0.5") == "es"
    assert choose_locale(None, None, "fr-FR,de;q=0.8") == "en"
    assert choose_locale(None, None, "") == "en"
    assert choose_locale("xx", None, "garbage;;;,") == "en"


async def test_browser_language_is_used_when_signed_out(client):
    page = html(await client.get("/sign-in", headers={"Accept-Language": "es-MX,es;q=0.9"}))
    assert page.select_one("html")["lang"] == "es"
    assert page.select_one("h1").get_text() == "Iniciar sesión"


async def test_the_switch_changes_the_language_and_is_remembered(as_role, org):
    office = await as_role("office")
    response = await office.post("/language", {"locale": "es", "next": "/"})
    assert response.status_code == 303
    page = html(await office.get("/", headers={"Accept-Language": "en"}))
    assert page.select_one("h1").get_text().startswith("Hola,")
    await org.users["office"].refresh_from_db()
    assert org.users["office"].locale == "es"


async def test_a_bad_language_choice_is_ignored(as_role):
    staff = await as_role("staff")
    response = await staff.post("/language", {"locale": "xx", "next": "/"})
    assert response.status_code == 303
    page = html(await staff.get("/"))
    assert page.select_one("html")["lang"] == "en"
