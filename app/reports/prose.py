"""A framework's longer texts (intents, guidance, descriptions) as paragraphs and lists.

YAML keeps paragraphs two ways: a folded block (`>`) turns a blank line into one line
break, a literal block (`|`) keeps every line break. Lines starting with `- ` or `* ` are a
list, so conditions stay a list instead of running on as prose.
"""

from __future__ import annotations

import difflib
import re

from markupsafe import Markup, escape

_BULLET = re.compile(r"^\s*[-*•]\s+")


def blocks(text: str | None) -> list[str | list[str]]:
    """Paragraphs (str) and lists (list of items) in order."""
    source = (text or "").strip()
    # Without blank lines the text was folded: each line break ends a paragraph. With them,
    # it was literal: a blank line ends a paragraph, a single line break only wraps it.
    literal = re.search(r"\n[ \t]*\n", source) is not None
    found: list[str | list[str]] = []
    open_paragraph = False
    for line in source.split("\n"):
        if not line.strip():
            open_paragraph = False
        elif _BULLET.match(line):
            if not found or not isinstance(found[-1], list):
                found.append([])
            found[-1].append(_BULLET.sub("", line).strip())  # type: ignore[union-attr]
            open_paragraph = False
        elif isinstance(found[-1] if found else None, list) and line[:1].isspace():
            items = found[-1]
            assert isinstance(items, list)
            items[-1] += " " + line.strip()  # a list item wrapped onto the next line
        elif literal and open_paragraph:
            found[-1] += " " + line.strip()  # type: ignore[operator]
        else:
            found.append(line.strip())
            open_paragraph = True
    return found


def prose(text: str | None, css_class: str = "") -> Markup:
    """The text as escaped HTML: <p> per paragraph, <ul> per list."""
    attribute = Markup(' class="{}"').format(css_class) if css_class else Markup("")
    parts = []
    for block in blocks(text):
        if isinstance(block, list):
            items = Markup("").join(Markup("<li>{}</li>").format(item) for item in block)
            parts.append(Markup("<ul{}>{}</ul>").format(attribute, items))
        else:
            parts.append(Markup("<p{}>{}</p>").format(attribute, escape(block)))
    return Markup("").join(parts)


def word_diff(old: str, new: str) -> Markup:
    """The new text with words taken out shown as <del> and words put in as <ins>."""
    before, after = old.split(), new.split()
    parts = []
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for tag, a1, a2, b1, b2 in matcher.get_opcodes():
        if tag in ("delete", "replace"):
            parts.append(Markup("<del>{}</del>").format(" ".join(before[a1:a2])))
        if tag in ("insert", "replace"):
            parts.append(Markup("<ins>{}</ins>").format(" ".join(after[b1:b2])))
        if tag == "equal":
            parts.append(escape(" ".join(after[b1:b2])))
    return Markup(" ").join(parts)
