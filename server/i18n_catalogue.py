"""Keeps the Spanish catalogue in step with the source: extract, then merge new strings in.

``python -m server i18n-update`` runs this; the catalogue test uses ``extract`` to find gaps.
"""

from __future__ import annotations

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po, write_po

from server.i18n import LANGUAGES, LOCALE_DIR
from server.settings import ROOT


def extract() -> Catalog:
    """Every translatable string in the Python code and the templates."""
    with (LOCALE_DIR / "babel.cfg").open() as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    catalog = Catalog(project="Muster")
    for filename, lineno, message, comments, context in extract_from_dir(
        ROOT, method_map, options_map
    ):
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return catalog


def update() -> dict[str, int]:
    """Merge new strings into each language's catalogue; returns how many still need translating."""
    template = extract()
    missing = {}
    for code in LANGUAGES:
        if code == "en":
            continue
        path = LOCALE_DIR / code / "LC_MESSAGES" / "messages.po"
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists():
            with path.open("rb") as handle:
                catalog = read_po(handle, locale=code)
        else:
            catalog = Catalog(locale=code, project="Muster")
        catalog.update(template, no_fuzzy_matching=True)
        with path.open("wb") as handle:
            write_po(handle, catalog, width=100, omit_header=False, ignore_obsolete=True)
        missing[code] = sum(1 for m in catalog if m.id and (not m.string or m.fuzzy))
    return missing
