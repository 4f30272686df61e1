"""Photos from phones, made safe to keep: decoded and re-encoded with Pillow, so nothing of the
original file survives but its pixels (no EXIF, no GPS position, no embedded payloads).

The pixel count is checked from the header before anything is decoded: a small file that claims
to be enormous (a decompression bomb) is refused without being expanded. A JPEG is decoded
straight at a reduced scale (its DCT allows 1/2, 1/4, 1/8), so its memory stays bounded.
"""

from __future__ import annotations

import io
import warnings

from PIL import Image, ImageOps, UnidentifiedImageError

from server.i18n import N_

FORMATS = {"JPEG", "PNG", "WEBP"}
# A 12-megapixel camera's original (4000 x 3000); the phone itself sends at most 1600 px. A PNG
# this big still costs 48 MB to decode, one of 40 MP cost 400 MB and 1.7 s.
MAX_PIXELS = 12_000_000
LONG_SIDE = 2048  # kept at most this big
QUALITY = 85


class ImageRejected(ValueError):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def reencode(body: bytes) -> bytes:
    """The photo as a fresh JPEG with no metadata; ImageRejected when it can't or mustn't be."""
    too_big = False
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(body), formats=sorted(FORMATS)) as image:
                image.draft("RGB", (LONG_SIDE, LONG_SIDE))  # JPEG only: the size it will decode
                too_big = image.size[0] * image.size[1] > MAX_PIXELS
                if not too_big:
                    image.load()
                    upright = ImageOps.exif_transpose(image)  # turn it before the EXIF goes
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            too_big = True
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
            raise ImageRejected(415, N_("This file is not a JPEG, PNG or WebP photo.")) from None
    if too_big:
        raise ImageRejected(413, N_("This photo has too many pixels."))
    upright.thumbnail((LONG_SIDE, LONG_SIDE))
    if upright.mode != "RGB":
        flat = Image.new("RGB", upright.size, "white")  # transparency becomes white, not black
        rgba = upright.convert("RGBA")
        flat.paste(rgba, mask=rgba.getchannel("A"))
        upright = flat
    # Pillow writes back what it read into .info (a comment, XMP, an ICC profile, DPI): only
    # the pixels may leave
    upright.info = {}
    out = io.BytesIO()
    upright.save(out, "JPEG", quality=QUALITY, optimize=True)
    return out.getvalue()
