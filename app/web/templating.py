"""The one Jinja environment for pages."""

from __future__ import annotations

from typing import Any

from fastapi.templating import Jinja2Templates
from jinja2 import pass_context

from app.config import PROJECT_ROOT

templates = Jinja2Templates(directory=str(PROJECT_ROOT / "templates"))


@pass_context
def url_for(context: dict[str, Any], name: str, /, **path_params: Any) -> str:
    """A path, not an absolute URL: links never depend on the request's Host header."""
    return str(context["request"].app.url_path_for(name, **path_params))


templates.env.globals["url_for"] = url_for


def paragraphs(text: str | None) -> list[str]:
    """Split text into paragraphs at blank lines (how YAML folded text keeps them)."""
    return [part.strip() for part in (text or "").split("\n") if part.strip()]


templates.env.filters["paragraphs"] = paragraphs
