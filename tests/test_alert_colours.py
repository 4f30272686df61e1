"""Alert colours come from one place, server/alerts/kinds.py KINDS: the page's CSS and every kind's
icon are drawn from it (web/draw_icons.py), and white text on each keeps 4.5:1 contrast."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PIL import Image

from server.alerts.kinds import KINDS

WEB = Path(__file__).resolve().parents[1] / "web"


def _rgb(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))


def _luminance(colour: str) -> float:
    def channel(c: int) -> float:
        c /= 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in _rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def test_the_css_has_each_kinds_colour_from_kinds_and_no_other():
    css = (WEB / "static" / "css" / "app.css").read_text()
    rules = dict(re.findall(r"\.kind-([a-z-]+) \{ --kind: (#[0-9a-f]{6}); \}", css))
    assert rules == {key: kind.colour for key, kind in KINDS.items()}, (
        "run `python web/draw_icons.py` after changing a colour in server/alerts/kinds.py"
    )


@pytest.mark.parametrize("key", sorted(KINDS))
def test_each_kinds_icon_is_drawn_in_its_colour(key):
    icon = Image.open(WEB / "static" / KINDS[key].icon).convert("RGBA")
    size = icon.width
    # inside the disc, near its top edge, where no kind's white mark reaches
    r, g, b, a = icon.getpixel((size // 2, size // 10))
    assert a == 255
    want = _rgb(KINDS[key].colour)
    assert max(abs(x - y) for x, y in zip((r, g, b), want, strict=True)) <= 2, (key, (r, g, b))


@pytest.mark.parametrize("key", sorted(KINDS))
def test_white_text_on_each_kinds_colour_is_readable(key):
    ratio = 1.05 / (_luminance(KINDS[key].colour) + 0.05)
    assert ratio >= 4.5, f"{key}: white on {KINDS[key].colour} is {ratio:.2f}:1"
