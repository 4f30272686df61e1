"""Real image files for tests: a phone-like JPEG carrying EXIF with a GPS position, and a
decompression bomb (a tiny PNG whose header claims a vast image)."""

from __future__ import annotations

import io
import struct
import zlib

from PIL import Image

GPS_IFD = 0x8825


def jpeg_with_gps(colour: str = "red", size: tuple[int, int] = (64, 48)) -> bytes:
    image = Image.new("RGB", size, colour)
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0131] = "Camera app 1.0"  # Software
    exif[GPS_IFD] = {1: "N", 2: (38.0, 34.0, 34.3), 3: "W", 4: (121.0, 29.0, 11.4)}
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def png(size: tuple[int, int] = (10, 10)) -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", size, (0, 0, 255, 128)).save(out, "PNG")
    return out.getvalue()


def png_bomb(width: int = 100_000, height: int = 100_000) -> bytes:
    """A few hundred bytes declaring ``width`` by ``height`` pixels of one colour."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1-bit greyscale
    rows = zlib.compress(b"\x00" * (1 + width // 8) * 16)  # a few rows; the rest never decode
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")
    )
