"""The invitation and reminder emails: texts the consultant can reword, with placeholders.

A text is plain: paragraphs separated by blank lines, placeholders in braces such as {name}.
It becomes the email's text part as it is, and its HTML part paragraph by paragraph, with
every value escaped and the link made a link.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from dataclasses import dataclass

from app.domain.text import MAX_LONG_TEXT

PLACEHOLDERS = {
    "name": "the participant's name",
    "assessment": "the assessment's title",
    "organisation": "the client organisation",
    "purpose": "the assessment's purpose",
    "by_target_date": "' by 30 June 2028' when a target date is set, otherwise nothing",
    "minutes": "the minutes to allow, as the questionnaire's first page says (e.g. 55)",
    "consultant": "your name",
    "link": "the participant's personal link (required)",
}
MAX_TEXT_LENGTH = MAX_LONG_TEXT  # the rule for all long text (app/domain/text.py)
_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")

DEFAULT_INVITATION = """Hello {name},

{organisation} has asked you to take part in "{assessment}".

{purpose}

For each statement you give two answers: where the organisation is today, and where it \
should be{by_target_date}. It takes about {minutes} minutes; your answers are saved as you \
go, and this link brings you back to where you stopped:

{link}

The link is personal: please do not forward it.

{consultant}"""

DEFAULT_REMINDER = """Hello {name},

A reminder about "{assessment}" for {organisation}: your answers have not been submitted yet.

{purpose}

This link opens your questionnaire where you left it; when you are done, review and submit:

{link}

The link is personal: please do not forward it.

{consultant}"""


def text_problem(text: str) -> str:
    """What is wrong with an email text, or "" when it can be used."""
    unknown = sorted(set(_PLACEHOLDER.findall(text)) - set(PLACEHOLDERS))
    if unknown:  # all of them at once: a consultant fixing one should not meet the next
        named = ", ".join("{" + u + "}" for u in unknown)
        verb = "is not a placeholder" if len(unknown) == 1 else "are not placeholders"
        known = ", ".join("{" + p + "}" for p in PLACEHOLDERS)
        return f"{named} {verb}; use {known}"
    if "{link}" not in text:
        return "it must contain {link}, or nobody can open the questionnaire"
    if len(text) > MAX_TEXT_LENGTH:
        return f"at most {MAX_TEXT_LENGTH} characters"
    return ""


@dataclass(frozen=True)
class Email:
    subject: str
    text: str
    html: str


def _fill(text: str, values: Mapping[str, str]) -> str:
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)


def _paragraphs(text: str) -> list[str]:
    """Paragraphs with no blank ones: an empty {purpose} leaves no gap."""
    return [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]


def compose(template: str, subject: str, values: Mapping[str, str]) -> Email:
    """The email for one participant; `values` holds a value for every placeholder."""
    plain = "\n\n".join(_paragraphs(_fill(template, values))) + "\n"
    escaped = {key: html.escape(value) for key, value in values.items()}
    link = values.get("link", "")
    escaped["link"] = f'<a href="{html.escape(link)}">{html.escape(link)}</a>'
    body = "".join(
        "<p>" + _fill(html.escape(paragraph, quote=False), escaped).replace("\n", "<br>") + "</p>"
        for paragraph in _paragraphs(template_with_values_kept(template, values))
    )
    return Email(" ".join(_fill(subject, values).split()), plain, _document(body))


def template_with_values_kept(template: str, values: Mapping[str, str]) -> str:
    """The template with empty placeholders' paragraphs dropped, so HTML matches the text."""
    kept = [
        paragraph
        for paragraph in re.split(r"\n\s*\n", template)
        if _fill(paragraph, values).strip()
    ]
    return "\n\n".join(kept)


def _document(body: str) -> str:
    return (
        '<!doctype html><html><body style="font-family: Arial, sans-serif; font-size: 15px; '
        f'line-height: 1.5; color: #1c2430; max-width: 40em">{body}</body></html>'
    )
