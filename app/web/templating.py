"""The one Jinja environment for pages."""

from __future__ import annotations

from typing import Any

from fastapi.templating import Jinja2Templates
from jinja2 import pass_context
from markupsafe import Markup, escape

from app.config import PROJECT_ROOT
from app.domain import policy
from app.domain.levels import number, written
from app.domain.narrative import blocks
from app.domain.policy import Action
from app.reports.prose import prose, word_diff
from app.web.csrf import csrf_token_for
from app.web.feedback import flashed_messages as _flashed

templates = Jinja2Templates(directory=str(PROJECT_ROOT / "templates"))


@pass_context
def url_for(context: dict[str, Any], name: str, /, **path_params: Any) -> str:
    """A path, not an absolute URL: links never depend on the request's Host header."""
    return str(context["request"].app.url_path_for(name, **path_params))


@pass_context
def csrf_token(context: dict[str, Any]) -> str:
    return csrf_token_for(context["request"])


@pass_context
def current_user(context: dict[str, Any]) -> Any:
    """The signed-in user, when the page's route looked it up; None otherwise."""
    return getattr(context["request"].state, "user", None)


@pass_context
def csrf_field(context: dict[str, Any]) -> Markup:
    """The hidden input every POST form carries."""
    token = escape(csrf_token_for(context["request"]))
    return Markup(f'<input type="hidden" name="csrf_token" value="{token}">')


@pass_context
def can(context: dict[str, Any], action: Action) -> bool:
    """Whether the signed-in user may take the action: pages show only what they may do."""
    user = current_user(context)
    return user is not None and policy.can(user.role, action)


@pass_context
def flashed_messages(context: dict[str, Any]) -> list[str]:
    return _flashed(context["request"])


templates.env.globals.update(
    flashed_messages=flashed_messages,
    url_for=url_for,
    csrf_token=csrf_token,
    csrf_field=csrf_field,
    current_user=current_user,
    can=can,
    Action=Action,
)


def paragraphs(text: str | None) -> list[str]:
    """Split text into paragraphs at blank lines (how YAML folded text keeps them)."""
    return [part.strip() for part in (text or "").split("\n") if part.strip()]


templates.env.filters["paragraphs"] = paragraphs
templates.env.filters["prose"] = prose  # paragraphs and lists of a framework's longer texts
templates.env.filters["level"] = number  # a level value as people write it: 3, 0.25
templates.env.filters["written"] = written  # a mean rounded as the tables round it: 1.25 -> 1.3
templates.env.globals["word_diff"] = word_diff
templates.env.filters["narrative_blocks"] = blocks
