"""Text people write, and the one rule every door applies to it (forms, JSON, import, CLI).

Control characters are invisible to the person who pasted them, yet they break what Gapwise
hands over: an XLSX cell refuses them, an SVG chart holding one is not XML, and PostgreSQL
refuses NUL outright. So text is cleaned on the way in: line breaks of every kind become "\\n"
(or a space, in one-line fields), other control characters, lone surrogates and the
non-characters U+FFFE/U+FFFF are dropped, the ends are trimmed, and NUL is refused (it is never
typed: it marks binary data). `printable` does the same on the way out, without refusing, for
text stored before this rule existed.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator
from pydantic_core import PydanticCustomError

# Lengths people may write, shared by the forms, the import and the database columns.
MAX_NAME = 200  # organisation, participant and person names
MAX_TITLE = 200  # assessment and roadmap item titles
MAX_EMAIL = 320
MAX_GROUP = 80
MAX_ROLE = 120
MAX_OWNER = 120
MAX_TOKEN_NAME = 120
MAX_LONG_TEXT = 4000  # purpose, comments, notes, reasons

_BREAKS = re.compile("\r\n|[\r\x0b\x0c\x85\u2028\u2029]")
_INVISIBLE = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")
_LINE_WHITESPACE = re.compile("[\t\n]")


class TextRefused(ValueError):
    """Text that cannot be kept; the message says why (the caller names the field)."""


def printable(text: str, *, one_line: bool = False) -> str:
    """The text without anything invisible that breaks an export; nothing is refused."""
    text = _INVISIBLE.sub("", _BREAKS.sub("\n", text))
    return _LINE_WHITESPACE.sub(" ", text) if one_line else text


def clean_text(text: str, *, one_line: bool = False) -> str:
    """The text as it is stored: printable and trimmed. TextRefused when it holds NUL."""
    if "\x00" in text:
        raise TextRefused("must not contain NUL characters")
    return printable(text, one_line=one_line).strip()


def checked_text(
    text: str, *, max_length: int, one_line: bool, required: bool = False, empty: str = ""
) -> str:
    """Cleaned text within its limits, or TextRefused saying what is allowed (`empty`: what
    to say when required text is missing)."""
    cleaned = clean_text(text, one_line=one_line)
    if required and not cleaned:
        raise TextRefused(empty or "must not be empty")
    if len(cleaned) > max_length:
        raise TextRefused(f"at most {max_length} characters")
    return cleaned


def looks_like_email(text: str) -> bool:
    """Enough to catch a name typed in the email box; the mail server decides the rest."""
    return "@" in text and " " not in text


def _validator(
    max_length: int, *, one_line: bool, required: bool, empty: str = ""
) -> AfterValidator:
    def validate(value: str) -> str:
        try:
            return checked_text(
                value, max_length=max_length, one_line=one_line, required=required, empty=empty
            )
        except TextRefused as refused:
            # A custom error keeps the message as written (no "Value error, " in front).
            raise PydanticCustomError("text", str(refused)) from None

    return AfterValidator(validate)


def _line(max_length: int, *, required: bool = False, empty: str = "") -> AfterValidator:
    return _validator(max_length, one_line=True, required=required, empty=empty)


def _lines(max_length: int, *, required: bool = False) -> AfterValidator:
    return _validator(max_length, one_line=False, required=required)


# Field types for pydantic models and FastAPI form parameters. "Optional" ones may be empty:
# a form still says in its own words that a required field is missing, and re-renders.
Name = Annotated[str, _line(MAX_NAME, required=True)]
OptionalName = Annotated[str, _line(MAX_NAME)]
Title = Annotated[str, _line(MAX_TITLE, required=True)]
INITIATIVE_UNTITLED = "give the initiative a title"
InitiativeTitle = Annotated[str, _line(MAX_TITLE, required=True, empty=INITIATIVE_UNTITLED)]
OptionalTitle = Annotated[str, _line(MAX_TITLE)]
Email = Annotated[str, _line(MAX_EMAIL)]
Group = Annotated[str, _line(MAX_GROUP)]
ParticipantRole = Annotated[str, _line(MAX_ROLE)]
Owner = Annotated[str, _line(MAX_OWNER)]
TokenName = Annotated[str, _line(MAX_TOKEN_NAME)]
LongText = Annotated[str, _lines(MAX_LONG_TEXT)]
LongLine = Annotated[str, _line(MAX_LONG_TEXT)]
