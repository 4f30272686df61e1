"""Photos from phones, made safe to keep: decoded and re-encoded with Pillow, so nothing of the
original file survives but its pixels (no EXIF, no GPS position, no embedded payloads).

The pixel count is checked from the header before anything is decoded: a small file that claims
to be enormous (a decompression bomb) is refused without being expanded.
"""

from __future__ import annotations

import io
import warnings

from PIL import Image, ImageOps, UnidentifiedImageError

from server.i18n import N_

FORMATS = {"JPEG", "PNG", "WEBP"}
MAX_PIXELS = 40_000_000  # well above any phone camera; the phone sends at most 1600 px anyway
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
    out = io.BytesIO()
    upright.save(out, "JPEG", quality=QUALITY, optimize=True)
    return out.getvalue()
