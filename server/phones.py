"""Phone numbers in free text ("Maria Ortiz (mother) 916-555-0101") made into tap-to-call links."""

from __future__ import annotations

import re

from markupsafe import Markup, escape

NUMBER = re.compile(r"(?:\+|\()?\d[\d ().-]{5,}\d")


def dial(number: str) -> str:
    """What a tel: link dials: the digits, and a leading + when there was one."""
    return ("+" if number.strip().startswith("+") else "") + re.sub(r"\D", "", number)


def tel_links(text: str) -> Markup:
    """``text`` escaped, each phone number in it a ``tel:`` link."""
    parts: list[Markup] = []
    position = 0
    for found in NUMBER.finditer(text or ""):
        parts.append(escape(text[position : found.start()]))
        parts.append(
            Markup('<a class="tel" href="tel:{}">{}</a>').format(dial(found.group()), found.group())
        )
        position = found.end()
    parts.append(escape((text or "")[position:]))
    return Markup("").join(parts)
