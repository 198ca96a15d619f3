"""The consultant's own words for a report: plain text with paragraphs and bullet lists.

Never HTML: the text is stored as typed and split here into blocks that templates and the
slide deck lay out (escaping as they go). A blank line ends a paragraph; a line starting
with "- ", "* " or "• " starts a bullet; a line under a bullet, not blank and not a bullet
itself, continues that bullet (how text wraps when pasted from an email).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_CHARACTERS = 6000
FIELDS = {
    "narrative": "Executive narrative",
    "key_messages": "Key messages",
    "recommendations": "Recommendations",
}
_BULLET = re.compile(r"^\s*[-*•]\s+")
# Control characters other than newline and tab; tabs become spaces below.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


class NarrativeRefused(ValueError):
    """The text cannot be saved; the message names the field and the limit."""


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class Bullets:
    items: tuple[str, ...]


Block = Paragraph | Bullets


@dataclass(frozen=True)
class Narrative:
    """The three texts, as typed (cleaned); `blocks` lays one out."""

    narrative: str = ""
    key_messages: str = ""
    recommendations: str = ""

    def __bool__(self) -> bool:
        return any((self.narrative, self.key_messages, self.recommendations))


def clean_narrative(fields: dict[str, str]) -> Narrative:
    """The three texts from a form or an import; a missing one is empty."""
    return Narrative(**{name: clean_text(fields.get(name) or "", name) for name in FIELDS})


def clean_text(text: str, field: str) -> str:
    """Newlines made plain, control characters dropped, trailing space trimmed; too long
    is refused, naming the field."""
    plain = _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", "    "))
    cleaned = "\n".join(line.rstrip() for line in plain.strip().split("\n"))
    if len(cleaned) > MAX_CHARACTERS:
        raise NarrativeRefused(f"{field}: {len(cleaned)} characters; use at most {MAX_CHARACTERS}")
    return cleaned


def blocks(text: str) -> tuple[Block, ...]:
    """The text as paragraphs and bullet lists, in order."""
    result: list[Block] = []
    lines: list[str] = []  # the paragraph being read
    items: list[str] = []  # the bullet list being read

    def close() -> None:
        if lines:
            result.append(Paragraph(" ".join(lines)))
            lines.clear()
        if items:
            result.append(Bullets(tuple(items)))
            items.clear()

    for raw in text.split("\n"):
        line = raw.strip()
        if not line:
            close()
        elif _BULLET.match(raw):
            if lines:
                close()
            items.append(_BULLET.sub("", raw).strip())
        elif items:
            items[-1] = f"{items[-1]} {line}"
        else:
            lines.append(line)
    close()
    return tuple(result)
