"""Download file names people can keep: "Client — Assessment — 2026-11-23.pdf", safe everywhere.

Safe on every common system: no path separators or characters Windows refuses, no control
characters, no name Windows reserves (CON, NUL, COM1…), no trailing dot or space, and short
enough for any file system. The HTTP header carries the UTF-8 name in `filename*` (RFC 6266
and 5987) and an ASCII fallback in `filename` for old clients.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from urllib.parse import quote

SEPARATOR = " — "
MAX_BYTES = 180  # well under the 255 bytes most file systems allow, leaving room for " (2)"
_UNSAFE = re.compile(r'[\x00-\x1f\x7f-\x9f<>:"/\\|?*]')
_RESERVED = re.compile(r"^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$", re.IGNORECASE)
_ASCII_FOR = {"—": "-", "–": "-", "‘": "'", "’": "'", "“": "'", "”": "'", "…": "..."}


def safe_part(text: str) -> str:
    """One part of a name: unsafe characters become spaces, runs of space one space."""
    normal = unicodedata.normalize("NFC", text)
    return " ".join(_UNSAFE.sub(" ", normal).split()).strip(" .")


def download_name(parts: list[str], day: date, extension: str) -> str:
    """The parts that are not empty, then the date, joined by dashes, with the extension.

    A long name loses the end of its parts, never the date or the extension.
    """
    cleaned = [p for p in (safe_part(part) for part in parts) if p]
    tail = f"{day.isoformat()}.{extension}"
    budget = MAX_BYTES - len((SEPARATOR + tail).encode())
    head = _shortened(SEPARATOR.join(cleaned), budget)
    if _RESERVED.match(head):
        head = f"_{head}"
    return f"{head}{SEPARATOR}{tail}" if head else tail


def _shortened(text: str, limit: int) -> str:
    """The text cut at a character boundary to `limit` UTF-8 bytes, without a dangling end."""
    while len(text.encode()) > limit:
        text = text[:-1]
    return text.rstrip(" .—-")


def ascii_fallback(name: str) -> str:
    """The name in printable ASCII, for clients that ignore `filename*`."""
    replaced = "".join(_ASCII_FOR.get(ch, ch) for ch in name)
    decomposed = unicodedata.normalize("NFKD", replaced).encode("ascii", "ignore").decode()
    plain = " ".join(decomposed.replace('"', "'").replace("\\", " ").split())
    stem, _, extension = plain.rpartition(".")
    stem = stem.strip(" .-") or "download"
    return f"_{stem}.{extension}" if _RESERVED.match(stem) else f"{stem}.{extension}"


def content_disposition(name: str) -> str:
    """An attachment header with the UTF-8 name and an ASCII fallback."""
    return f"attachment; filename=\"{ascii_fallback(name)}\"; filename*=UTF-8''{quote(name)}"
