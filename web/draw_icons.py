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


if __name__ == "__main__":
    OUT.mkdir(parents=True, exist_ok=True)
    for size in (32, 180, 192, 512):
        draw(size, 0.86).save(OUT / f"icon-{size}.png", optimize=True)
    draw(512, 0.62).save(OUT / "maskable-512.png", optimize=True)
