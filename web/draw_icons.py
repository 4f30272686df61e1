"""Draws Muster's app icons (our own mark: a white check in a shield on blue) into static/icons.

Run once after changing the design: ``.venv/bin/python web/draw_icons.py`` (needs Pillow).
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

OUT = Path(__file__).parent / "static" / "icons"
BLUE = (11, 79, 163)
WHITE = (255, 255, 255)


def draw(size: int, safe: float) -> Image.Image:
    """``safe`` is the share of the canvas the mark may use (maskable icons get cropped)."""
    scale = 4  # draw large, then shrink: smooth edges without anti-aliasing support
    big = size * scale
    image = Image.new("RGB", (big, big), BLUE)
    pen = ImageDraw.Draw(image)
    inset = big * (1 - safe) / 2
    span = big - 2 * inset

    def p(x: float, y: float) -> tuple[float, float]:
        return inset + x * span, inset + y * span

    shield = [p(0.5, 0.08), p(0.86, 0.2), p(0.82, 0.58), p(0.5, 0.92), p(0.18, 0.58), p(0.14, 0.2)]
    pen.polygon(shield, outline=WHITE, width=int(span * 0.06))
    pen.line(
        [p(0.32, 0.5), p(0.45, 0.64), p(0.7, 0.36)],
        fill=WHITE,
        width=int(span * 0.09),
        joint="curve",
    )
    return image.resize((size, size), Image.LANCZOS)


# Alert kinds: a disc in the kind's colour (server/alerts/kinds.py KINDS, where colours live)
# with a white mark of its own, so two alerts differ in shape as well as colour.
MARKS = {
    "hold": "pause",
    "secure": "lock-open",
    "lockdown": "lock",
    "evacuate": "arrow",
    "shelter": "roof",
    "all-clear": "check",
    "medical": "cross",
    "silent": "mute",
    "suspicious-report": "bang",
    "trip-overdue": "clock",
    "lost-student": "search",
    "team-callout": "team",
    "threat-concern": "bang",
    "threat-tip": "bang",
    "custom": "dots",
}
CSS = Path(__file__).parent / "static" / "css" / "app.css"
CSS_START = "/* Alert kinds' colours: from server/alerts/kinds.py KINDS, by web/draw_icons.py. */\n"
CSS_END = "/* End of the alert kinds' colours. */\n"


def kinds_css(kinds: dict) -> str:
    rules = "".join(f".kind-{key} {{ --kind: {kind.colour}; }}\n" for key, kind in kinds.items())
    return CSS_START + rules + CSS_END


def write_css(kinds: dict) -> None:
    text = CSS.read_text()
    before, rest = text.split(CSS_START, 1)
    after = rest.split(CSS_END, 1)[1]
    CSS.write_text(before + kinds_css(kinds) + after)


def draw_alert(colour: str, mark: str, size: int = 96) -> Image.Image:
    scale = 4
    big = size * scale
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    pen.ellipse([0, 0, big - 1, big - 1], fill=colour)
    w = int(big * 0.08)

    def p(x: float, y: float) -> tuple[float, float]:
        return x * big, y * big

    if mark == "pause":
        pen.rectangle([p(0.34, 0.28), p(0.44, 0.72)], fill=WHITE)
        pen.rectangle([p(0.56, 0.28), p(0.66, 0.72)], fill=WHITE)
    elif mark in ("lock", "lock-open"):
        pen.rectangle([p(0.3, 0.45), p(0.7, 0.75)], fill=WHITE)
        top = [p(0.36, 0.22), p(0.64, 0.62)] if mark == "lock" else [p(0.5, 0.18), p(0.78, 0.58)]
        pen.arc(top, 180, 360, fill=WHITE, width=w)
        x = 0.36 if mark == "lock" else 0.5
        pen.line([p(x + 0.02, 0.42), p(x + 0.02, 0.47)], fill=WHITE, width=w)
        pen.line([p(0.62, 0.42), p(0.62, 0.47)], fill=WHITE, width=w)
    elif mark == "arrow":
        pen.line([p(0.25, 0.5), p(0.7, 0.5)], fill=WHITE, width=w)
        pen.polygon([p(0.55, 0.3), p(0.78, 0.5), p(0.55, 0.7)], fill=WHITE)
    elif mark == "roof":
        pen.polygon([p(0.5, 0.2), p(0.8, 0.5), p(0.2, 0.5)], fill=WHITE)
        pen.rectangle([p(0.3, 0.5), p(0.7, 0.75)], fill=WHITE)
    elif mark == "check":
        pen.line([p(0.28, 0.52), p(0.44, 0.68), p(0.72, 0.34)], fill=WHITE, width=w, joint="curve")
    elif mark == "cross":
        pen.rectangle([p(0.42, 0.22), p(0.58, 0.78)], fill=WHITE)
        pen.rectangle([p(0.22, 0.42), p(0.78, 0.58)], fill=WHITE)
    elif mark == "mute":
        pen.polygon(
            [p(0.25, 0.4), p(0.4, 0.4), p(0.55, 0.25), p(0.55, 0.75), p(0.4, 0.6), p(0.25, 0.6)],
            fill=WHITE,
        )
        pen.line([p(0.62, 0.38), p(0.78, 0.62)], fill=WHITE, width=w // 2)
        pen.line([p(0.78, 0.38), p(0.62, 0.62)], fill=WHITE, width=w // 2)
    elif mark == "bang":
        pen.rectangle([p(0.44, 0.2), p(0.56, 0.6)], fill=WHITE)
        pen.ellipse([p(0.43, 0.67), p(0.57, 0.81)], fill=WHITE)
    elif mark == "clock":
        pen.ellipse([p(0.22, 0.22), p(0.78, 0.78)], outline=WHITE, width=w)
        pen.line([p(0.5, 0.5), p(0.5, 0.32)], fill=WHITE, width=w)
        pen.line([p(0.5, 0.5), p(0.64, 0.58)], fill=WHITE, width=w)
    elif mark == "search":
        pen.ellipse([p(0.22, 0.22), p(0.6, 0.6)], outline=WHITE, width=w)
        pen.line([p(0.56, 0.56), p(0.78, 0.78)], fill=WHITE, width=int(w * 1.4))
    elif mark == "team":  # three heads and shoulders: the team
        for x, y, r in ((0.3, 0.4, 0.08), (0.7, 0.4, 0.08), (0.5, 0.34, 0.1)):
            pen.ellipse([p(x - r, y - r), p(x + r, y + r)], fill=WHITE)
        pen.pieslice([p(0.14, 0.5), p(0.46, 0.82)], 180, 360, fill=WHITE)
        pen.pieslice([p(0.54, 0.5), p(0.86, 0.82)], 180, 360, fill=WHITE)
        pen.pieslice([p(0.3, 0.46), p(0.7, 0.86)], 180, 360, fill=WHITE)
    else:  # dots
        for x in (0.3, 0.5, 0.7):
            pen.ellipse([p(x - 0.07, 0.43), p(x + 0.07, 0.57)], fill=WHITE)
    return image.resize((size, size), Image.LANCZOS)


if __name__ == "__main__":
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from server.alerts.kinds import KINDS

    OUT.mkdir(parents=True, exist_ok=True)
    for key, mark in MARKS.items():
        draw_alert(KINDS[key].colour, mark).save(OUT / f"alert-{key}.png", optimize=True)
    write_css(KINDS)
    for size in (32, 180, 192, 512):
        draw(size, 0.86).save(OUT / f"icon-{size}.png", optimize=True)
    draw(512, 0.62).save(OUT / "maskable-512.png", optimize=True)
