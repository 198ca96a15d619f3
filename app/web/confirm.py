"""Asking before an irreversible or disruptive action, with or without JavaScript.

The page's form carries the question as data-confirm-* attributes (`confirm_attributes` in
templates/_macros.html); static/js/confirm.js shows it in a <dialog> and, when the person
agrees, posts the form with `confirmed=yes`. A form posted without it (no JavaScript) is
answered with a confirmation page that asks the same question and posts the same fields
again, confirmed. Either way the route acts only on a confirmed post.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from fastapi import Request
from fastapi.responses import Response
from starlette.datastructures import FormData

from app.web.csrf import FIELD as CSRF_FIELD
from app.web.templating import templates

CONFIRMED = "confirmed"


@dataclass(frozen=True)
class Confirmation:
    """A question, what happens if the answer is yes, and the words on the button."""

    question: str
    consequence: str
    button: str
    cancel_url: str = ""  # where "Cancel" leads on the confirmation page
    # Fields to post instead when the person says no (e.g. save the rest, drop nothing);
    # None: "Cancel" is a plain link back.
    keep: tuple[tuple[str, str], ...] | None = None
    keep_button: str = "Cancel"


@dataclass(frozen=True)
class ConfirmPage:
    confirmation: Confirmation
    action: str
    fields: list[tuple[str, str]] = field(default_factory=list)


def is_confirmed(form: FormData) -> bool:
    return form.get(CONFIRMED) == "yes"


def carried(form: FormData) -> list[tuple[str, str]]:
    """The posted fields to post again (text fields only; never the CSRF token twice)."""
    return [
        (name, value)
        for name, value in form.multi_items()
        if isinstance(value, str) and name not in (CSRF_FIELD, CONFIRMED)
    ]


def ask(request: Request, confirmation: Confirmation, form: FormData) -> Response:
    """The confirmation page: nothing has changed yet."""
    page = ConfirmPage(confirmation, str(request.url.path), carried(form))
    response = templates.TemplateResponse(request, "shared/confirm.html", {"page": page})
    response.headers["Cache-Control"] = "no-store"
    return response
