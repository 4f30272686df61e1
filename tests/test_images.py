"""Photos are re-encoded on arrival: metadata gone, size and pixel limits kept, bombs refused."""

from __future__ import annotations

import io
import uuid

import pytest
from PIL import Image

from server.images import MAX_PIXELS, ImageRejected, reencode
from tests.photos import GPS_IFD, jpeg_with_gps, png, png_bomb


def test_reencoding_strips_every_bit_of_metadata():
    original = Image.open(io.BytesIO(jpeg_with_gps()))
    assert original.getexif().get_ifd(GPS_IFD)  # the test photo really carries a position
    clean = Image.open(io.BytesIO(reencode(jpeg_with_gps())))
    assert clean.format == "JPEG"
    assert len(clean.getexif()) == 0
    assert not clean.getexif().get_ifd(GPS_IFD)
    assert "exif" not in clean.info and "icc_profile" not in clean.info
    assert clean.size == (64, 48)


def _segments(jpeg: bytes) -> list[int]:
    """The markers of a JPEG's segments up to the image data (SOS)."""
    found, at = [], 2
    while at < len(jpeg) and jpeg[at] == 0xFF:
        marker = jpeg[at + 1]
        found.append(marker)
        if marker == 0xDA:  # start of scan: the pixels follow
            break
        at += 2 + int.from_bytes(jpeg[at + 2 : at + 4], "big")
    return found


def test_reencoding_keeps_no_comment_or_any_other_segment():
    out = io.BytesIO()
    Image.new("RGB", (64, 48), "red").save(
        out,
        "JPEG",
        comment=b"taken at 12 Elm St by J. Doe",
        icc_profile=b"\0" * 200,
        xmp=b"<x:xmpmeta>secret</x:xmpmeta>",
        dpi=(300, 300),
    )
    original = out.getvalue()
    assert 0xFE in _segments(original)  # the comment really is there
    clean = reencode(original)
    assert b"Elm St" not in clean and b"xmpmeta" not in clean
    # only the JFIF header, quantisation and Huffman tables, the frame and the scan
    assert set(_segments(clean)) <= {0xE0, 0xDB, 0xC4, 0xC0, 0xC2, 0xDA}
    assert _segments(clean).count(0xE0) == 1


def test_a_png_too_big_for_a_phone_is_refused_unread():
    """6300 x 6300 (a 154 KB file) cost 1.7 s and 400 MB to decode; phones send 1600 px."""
    with pytest.raises(ImageRejected) as raised:
        reencode(png((6300, 6300)))
    assert raised.value.status == 413


def test_a_large_jpeg_is_decoded_at_a_reduced_scale():
    """A JPEG over the pixel limit is decoded at half scale, within it, instead of refused."""
    out = io.BytesIO()
    Image.new("L", (4400, 4400), 128).save(out, "JPEG")
    assert MAX_PIXELS < 4400 * 4400
    with Image.open(io.BytesIO(out.getvalue())) as image:
        image.draft("RGB", (2048, 2048))
        assert image.size == (2200, 2200)  # what the decoder holds: a quarter of the pixels
    assert Image.open(io.BytesIO(reencode(out.getvalue()))).size == (2048, 2048)


def test_transparent_png_becomes_a_jpeg_on_white():
    clean = Image.open(io.BytesIO(reencode(png())))
    assert clean.format == "JPEG" and clean.mode == "RGB"
    red, _green, blue = clean.getpixel((5, 5))
    assert blue > 200 and red > 100  # half-transparent blue over white, not over black


def test_large_photos_are_made_smaller():
    out = io.BytesIO()
    Image.new("RGB", (4000, 3000), "green").save(out, "JPEG")
    assert max(Image.open(io.BytesIO(reencode(out.getvalue()))).size) == 2048


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (b"", 415),
        (b"MZ\x90\x00 not a photo", 415),
        (b"\xff\xd8\xff\xe0 truncated jpeg", 415),
        (b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", 415),
        (png_bomb(), 413),  # a few hundred bytes claiming 10 gigapixels
        (png_bomb(10_000, MAX_PIXELS // 10_000 + 1), 413),  # just over the limit
    ],
)
def test_bad_files_are_refused_with_a_reason(body, status):
    with pytest.raises(ImageRejected) as raised:
        reencode(body)
    assert raised.value.status == status
    assert str(raised.value)


async def test_upload_keeps_only_the_clean_copy(as_role, settings, org):
    staff = await as_role("staff")
    upload_id = uuid.uuid4()
    headers = {"X-CSRF-Token": staff.csrf, "Content-Type": "image/jpeg"}
    response = await staff.http.put(
        f"/api/uploads/{upload_id}", content=jpeg_with_gps(), headers=headers
    )
    assert response.status_code == 201
    stored = settings.data_dir / "uploads" / str(org.organisation.id) / str(upload_id)
    with Image.open(stored) as kept:
        assert not kept.getexif()
    assert b"PhoneMaker" not in stored.read_bytes()
    bomb = await staff.http.put(
        f"/api/uploads/{uuid.uuid4()}",
        content=png_bomb(),
        headers={**headers, "Content-Type": "image/png"},
    )
    assert bomb.status_code == 413
    assert "pixels" in bomb.text
    lying = await staff.http.put(f"/api/uploads/{uuid.uuid4()}", content=b"<html>", headers=headers)
    assert lying.status_code == 415
