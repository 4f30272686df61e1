"""Translations: English in the source, Spanish from ``web/locale/es/LC_MESSAGES/messages.po``.

The catalogue is read with Babel at start-up; the current request's language lives in a context
variable so templates and Python code translate the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from gettext import c2py
from pathlib import Path

from babel import negotiate_locale
from babel.messages.pofile import read_po

from server.settings import ROOT

LOCALE_DIR = ROOT / "web" / "locale"
LANGUAGES = {"en": "English", "es": "Español"}

current_locale: ContextVar[str] = ContextVar("current_locale", default="en")


def _load(locale: str) -> tuple[dict[str, str | tuple[str, ...]], Callable[[int], int]]:
    path: Path = LOCALE_DIR / locale / "LC_MESSAGES" / "messages.po"
    if not path.exists():
        return {}, lambda n: int(n != 1)
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=locale)
    table: dict[str, str | tuple[str, ...]] = {}
    for message in catalog:
        if not message.id or message.fuzzy:
            continue
        key = message.id if isinstance(message.id, str) else message.id[0]
        string = message.string
        if string and all(string if isinstance(string, tuple | list) else [1]):
            table[key] = string if isinstance(string, str) else tuple(string)
    return table, c2py(catalog.plural_expr)


_catalogues = {code: _load(code) for code in LANGUAGES if code != "en"}
_NONE: tuple[dict[str, str | tuple[str, ...]], Callable[[int], int]] = ({}, lambda n: int(n != 1))


def gettext(message: str) -> str:
    translated = _catalogues.get(current_locale.get(), _NONE)[0].get(message)
    return translated if isinstance(translated, str) else message


def ngettext(singular: str, plural: str, n: int) -> str:
    table, plural_index = _catalogues.get(current_locale.get(), _NONE)
    translated = table.get(singular)
    if isinstance(translated, tuple):
        return translated[min(plural_index(n), len(translated) - 1)]
    return singular if n == 1 else plural


def N_(message: str) -> str:
    return message


def choose_locale(
    person_setting: str | None, session_choice: str | None, accept: str, default: str = "en"
) -> str:
    """The person's setting, else their choice this session, else the browser's, else default."""
    for choice in (person_setting, session_choice):
        if choice in LANGUAGES:
            return choice
    preferred = [part.split(";")[0].strip().replace("-", "_") for part in accept.split(",")]
    return negotiate_locale(preferred, list(LANGUAGES), sep="_") or default
