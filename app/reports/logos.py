"""Uploaded logos, made safe: PNG or JPEG in, freshly encoded pixels out.

A logo ends up in PDFs, slides and web pages that go in front of a client's board, so an upload
is never stored as sent. The checks, in order: the size of the upload; the file's first bytes
(PNG or JPEG, so an SVG or HTML file with an image name is refused before any decoder runs);
the pixel count the header declares, before a pixel is decoded (a decompression bomb is a
small file declaring a huge image); then Pillow decodes the first frame and it is encoded
again from the pixels alone, so trailing data, text chunks, EXIF, ICC profiles and further
frames are all left behind. EXIF orientation is applied first, so the logo stays upright.
"""

from __future__ import annotations

import io
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager

from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

from app.domain.branding import LogoImage

MAX_UPLOAD_BYTES = 2 * 1024 * 1024
MAX_PIXELS = 25_000_000  # 5000 × 5000: far beyond a logo, far below a bomb
MAX_STORED = (1600, 800)  # the largest a logo is ever drawn (a 16:9 slide at 2×)
MIN_SIDE = 16
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
JPEG_SIGNATURE = b"\xff\xd8\xff"
_strict = threading.Lock()
ALLOWED = "a PNG or JPEG image up to 2 MB and 5000 × 5000 pixels (SVG is not accepted)"


class LogoRefused(ValueError):
    """The upload is not a logo we accept; the message names the field and what is allowed."""


def clean_logo(raw: bytes, field: str = "logo") -> LogoImage:
    """The upload re-encoded from its pixels, or LogoRefused saying why not."""
    if not raw:
        raise LogoRefused(f"{field}: choose a file: {ALLOWED}")
    if len(raw) > MAX_UPLOAD_BYTES:
        raise LogoRefused(f"{field}: the file is larger than 2 MB; use {ALLOWED}")
    kind = _kind(raw)
    if kind is None:
        raise LogoRefused(f"{field}: this is not a PNG or JPEG file; use {ALLOWED}")
    try:
        with _whole_images_only(), warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(raw), formats=[kind])
            _check_size(image.size, field)
            image.load()
            pixels = _pixels_only(image)
    except LogoRefused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):  # Pillow's own limit
        raise LogoRefused(f"{field}: the image has too many pixels; use {ALLOWED}") from None
    except (OSError, ValueError, SyntaxError, UnidentifiedImageError):
        raise LogoRefused(f"{field}: the image is damaged; use {ALLOWED}") from None
    return _encoded(pixels, kind)


@contextmanager
def _whole_images_only() -> Iterator[None]:
    """Decode with Pillow's strict default: a truncated logo is refused, not padded.

    Importing WeasyPrint switches Pillow, process-wide, to loading truncated images. Reports
    are drawn in worker processes, so in the process that cleans uploads the switch only
    matters here; the lock keeps two uploads from restoring it out of order.
    """
    with _strict:
        before, ImageFile.LOAD_TRUNCATED_IMAGES = ImageFile.LOAD_TRUNCATED_IMAGES, False
        try:
            yield
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = before


def _kind(raw: bytes) -> str | None:
    if raw.startswith(PNG_SIGNATURE):
        return "PNG"
    if raw.startswith(JPEG_SIGNATURE):
        return "JPEG"
    return None


def _check_size(size: tuple[int, int], field: str) -> None:
    width, height = size
    if width * height > MAX_PIXELS or max(width, height) > 5000:
        raise LogoRefused(f"{field}: the image is {width} × {height} pixels; use {ALLOWED}")
    if min(width, height) < MIN_SIDE:
        raise LogoRefused(f"{field}: the image is only {width} × {height} pixels; use at least 16")


def _pixels_only(image: Image.Image) -> Image.Image:
    """A new image holding the upright pixels and nothing else (no info, EXIF or profile)."""
    upright = ImageOps.exif_transpose(image)
    mode = "RGBA" if _has_alpha(upright) else "RGB"
    converted = upright.convert(mode)
    converted.thumbnail(MAX_STORED, Image.Resampling.LANCZOS)
    clean = Image.new(mode, converted.size)
    clean.paste(converted)
    return clean


def _has_alpha(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info


def _encoded(image: Image.Image, kind: str) -> LogoImage:
    buffer = io.BytesIO()
    if kind == "JPEG" and image.mode == "RGB":
        image.save(buffer, format="JPEG", quality=90, optimize=True)
        media_type = "image/jpeg"
    else:  # PNG, and a JPEG can't carry transparency anyway
        image.save(buffer, format="PNG", optimize=True)
        media_type = "image/png"
    return LogoImage(media_type, image.width, image.height, buffer.getvalue())
