"""Hostile logos are refused or cleaned: only freshly encoded pixels are ever stored."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from PIL import Image, PngImagePlugin

from app.reports.logos import MAX_STORED, LogoRefused, clean_logo

PAYLOAD = b"<script>alert('logo')</script>"


def png(size: tuple[int, int] = (240, 80), mode: str = "RGBA", **save: object) -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, (11, 95, 138, 255) if mode == "RGBA" else 0).save(
        buffer, format="PNG", **save
    )
    return buffer.getvalue()


def jpeg_with_exif() -> bytes:
    image = Image.new("RGB", (200, 100), (200, 40, 40))
    exif = Image.Exif()
    exif[0x010E] = PAYLOAD.decode()  # ImageDescription
    exif[0x013B] = "Someone's name"  # Artist
    exif[0x0112] = 6  # Orientation: rotate 90° to show upright
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif.tobytes(), comment=PAYLOAD)
    return buffer.getvalue()


def bomb_png(width: int, height: int) -> bytes:
    """A tiny valid PNG header that declares a huge greyscale image (zeros compress to little)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    rows = zlib.compress(b"\x00" * (width + 1) * 64)  # only the first rows: it never gets there
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")
    )


def test_png_with_trailing_data_is_reencoded_without_it() -> None:
    raw = png() + PAYLOAD + b"PK\x03\x04 a zip after the image"
    logo = clean_logo(raw)
    assert logo.media_type == "image/png"
    assert PAYLOAD not in logo.content and b"PK\x03\x04" not in logo.content
    assert logo.content.endswith(b"IEND\xaeB`\x82")
    assert (logo.width, logo.height) == (240, 80)


def test_png_text_chunks_are_dropped() -> None:
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", PAYLOAD.decode())
    info.add_itxt("XML:com.adobe.xmp", "<x:xmpmeta>secret</x:xmpmeta>", zip=True)
    logo = clean_logo(png(pnginfo=info))
    assert b"tEXt" not in logo.content and b"iTXt" not in logo.content
    assert Image.open(io.BytesIO(logo.content)).info.keys() <= {"dpi"}


@pytest.mark.parametrize(
    ("size", "message"),
    [
        ((20_000, 20_000), "too many pixels"),  # past Pillow's own limit, which stops it first
        ((9_000, 9_000), "9000 × 9000 pixels"),
        ((6_000, 10), "6000 × 10 pixels"),
        ((5_001, 4_000), "5001 × 4000 pixels"),
    ],
)
def test_a_decompression_bomb_is_refused_before_decoding(
    size: tuple[int, int], message: str
) -> None:
    with pytest.raises(LogoRefused, match=f"^logo: the image (is|has) {message}"):
        clean_logo(bomb_png(*size))


def test_jpeg_exif_payload_is_dropped_and_orientation_applied() -> None:
    raw = jpeg_with_exif()
    assert PAYLOAD in raw
    logo = clean_logo(raw)
    assert logo.media_type == "image/jpeg"
    assert PAYLOAD not in logo.content and b"Exif" not in logo.content
    assert b"Someone" not in logo.content
    cleaned = Image.open(io.BytesIO(logo.content))
    assert not cleaned.getexif() and "comment" not in cleaned.info
    assert (logo.width, logo.height) == (100, 200)  # turned upright, then the EXIF left behind


@pytest.mark.parametrize(
    "raw",
    [
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        b"<?xml version='1.0'?><svg xmlns='http://www.w3.org/2000/svg'/>",
        b"<!doctype html><html><body onload=alert(1)>",
        b"GIF89a\x01\x00\x01\x00\x00\x00\x00;",
        b"  \x89PNG\r\n\x1a\n",  # a signature that does not start the file
        b"",
    ],
    ids=["svg", "svg-with-xml-declaration", "html", "gif", "late-signature", "empty"],
)
def test_anything_but_png_or_jpeg_is_refused(raw: bytes) -> None:
    with pytest.raises(LogoRefused, match=r"^logo: .*PNG or JPEG"):
        clean_logo(raw)


def test_a_truncated_or_corrupt_image_is_refused() -> None:
    with pytest.raises(LogoRefused, match="logo: the image is damaged"):
        clean_logo(png()[:45])


def test_an_oversized_upload_and_a_tiny_image_are_refused() -> None:
    with pytest.raises(LogoRefused, match="larger than 2 MB"):
        clean_logo(png() + b"\x00" * 2 * 1024 * 1024)
    with pytest.raises(LogoRefused, match="only 8 × 8 pixels"):
        clean_logo(png((8, 8)))


def test_a_large_logo_is_scaled_down_keeping_its_shape() -> None:
    logo = clean_logo(png((4000, 1000)))
    assert (logo.width, logo.height) == (MAX_STORED[0], 400)


def test_palette_transparency_survives_as_rgba() -> None:
    buffer = io.BytesIO()
    Image.new("P", (64, 32), 0).save(buffer, format="PNG", transparency=0)
    cleaned = Image.open(io.BytesIO(clean_logo(buffer.getvalue()).content))
    assert cleaned.mode == "RGBA" and cleaned.getpixel((0, 0))[3] == 0


def test_the_field_is_named_in_the_message() -> None:
    with pytest.raises(LogoRefused, match="^client_logo: "):
        clean_logo(b"<svg/>", "client_logo")
