"""Project documents shown as pages, so that one text serves the repository's readers and the
app's: today the framework file format (docs/questionnaire-format.md), which the frameworks
pages point consultants to when they write or fix a file of their own."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from markdown_it import MarkdownIt
from markupsafe import Markup
from mdit_py_plugins.anchors import anchors_plugin

from app.config import PROJECT_ROOT

FRAMEWORK_FORMAT = PROJECT_ROOT / "docs" / "questionnaire-format.md"


@dataclass(frozen=True)
class Guide:
    title: str  # the document's first heading
    intro: Markup  # what comes before its first section, as HTML
    sections: tuple[tuple[str, str], ...]  # (anchor, heading) of each second-level heading
    body: Markup  # the sections, as HTML


def _markdown() -> MarkdownIt:
    """CommonMark with tables; raw HTML in the text is shown as text, never passed through."""
    return MarkdownIt("commonmark", {"html": False}).enable("table").use(anchors_plugin, 2, 3)


@cache
def framework_format() -> Guide:
    """Read and rendered once per process: the file ships with the code."""
    title, _, rest = FRAMEWORK_FORMAT.read_text(encoding="utf-8").partition("\n")
    markdown = _markdown()
    tokens = markdown.parse(rest)
    sections = tuple(
        (str(opening.attrs["id"]), heading.content)
        for opening, heading in zip(tokens, tokens[1:], strict=False)
        if opening.type == "heading_open" and opening.tag == "h2"
    )
    html = markdown.renderer.render(tokens, markdown.options, {})
    # A code block scrolls sideways on a narrow screen: focusable, so keys can scroll it too
    # (raw HTML is escaped, so every "<pre>" is one markdown-it wrote).
    html = html.replace("<pre>", '<pre tabindex="0">')
    intro, heading, body = html.partition("<h2")
    return Guide(title.removeprefix("# ").strip(), Markup(intro), sections, Markup(heading + body))
