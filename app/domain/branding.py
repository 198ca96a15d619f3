"""The consultancy's brand on deliverables: name, accent colour, logos, and the colour rules.

An admin may choose any accent colour, so every use of it is made safe here: text in the
accent colour is darkened until it reads on white (WCAG AA, 4.5:1), and text on an accent
background is white or ink, whichever contrasts more.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

DEFAULT_ACCENT = "#0b5f8a"
DEFAULT_NAME = "Gapwise"
INK = "#1c2430"
WHITE = "#ffffff"
BLACK = "#000000"
READABLE = 4.5  # WCAG AA contrast for body text
MAX_NAME = 120
COLOUR = re.compile(r"#[0-9a-f]{6}")


@dataclass(frozen=True)
class LogoImage:
    """A logo as stored and drawn: already cleaned (app/reports/logos.py)."""

    media_type: str
    width: int
    height: int
    content: bytes

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


class BrandingRefused(ValueError):
    """A branding value we cannot use; the message names the field and what is allowed."""


@dataclass(frozen=True)
class Brand:
    consultancy: str = ""
    accent: str = DEFAULT_ACCENT
    logo: LogoImage | None = None
    client_logo: LogoImage | None = None

    @property
    def name(self) -> str:
        """Who the deliverable is from: the consultancy, or Gapwise when none is set."""
        return self.consultancy or DEFAULT_NAME

    @property
    def accent_text(self) -> str:
        """The accent, darkened as far as needed to read as text on white."""
        return readable_on_white(self.accent)

    @property
    def on_accent(self) -> str:
        """The text colour for an accent background: white, else ink, else black."""
        for colour in (WHITE, INK):
            if contrast(colour, self.accent) >= READABLE:
                return colour
        return max((WHITE, BLACK), key=lambda colour: contrast(colour, self.accent))

    @property
    def version(self) -> str:
        """Changes whenever anything drawn from the brand changes: part of a cache key."""
        logos = [logo.digest if logo else "" for logo in (self.logo, self.client_logo)]
        key = repr((self.consultancy, self.accent, logos))
        return hashlib.sha256(key.encode()).hexdigest()[:12]


def clean_name(value: str) -> str:
    """The consultancy's name, trimmed; refused when too long or holding control characters."""
    name = " ".join(value.split())
    if len(name) > MAX_NAME:
        raise BrandingRefused(f"consultancy_name: use at most {MAX_NAME} characters")
    if any(ord(ch) < 32 or 127 <= ord(ch) < 160 for ch in name):
        raise BrandingRefused("consultancy_name: remove control characters")
    return name


def clean_colour(value: str) -> str:
    """A colour as "#rrggbb" in lower case; empty means Gapwise's own accent."""
    colour = value.strip().lower()
    if colour and not COLOUR.fullmatch(colour):
        raise BrandingRefused(
            f"accent_colour: write a colour as # and six hex digits, like {DEFAULT_ACCENT}"
        )
    return colour


def _channels(colour: str) -> tuple[float, float, float]:
    return tuple(int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))  # type: ignore[return-value]


def luminance(colour: str) -> float:
    """WCAG 2 relative luminance of an sRGB "#rrggbb" colour."""
    linear = [
        c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in _channels(colour)
    ]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(first: str, second: str) -> float:
    """WCAG 2 contrast ratio, 1 to 21."""
    high, low = sorted((luminance(first), luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def readable_on_white(colour: str) -> str:
    """The colour, mixed with black in small steps until it reaches 4.5:1 on white."""
    red, green, blue = _channels(colour)
    for step in range(21):
        keep = 1 - step / 20
        mixed = "#" + "".join(f"{round(c * keep * 255):02x}" for c in (red, green, blue))
        if contrast(mixed, WHITE) >= READABLE:
            return mixed
    return INK
