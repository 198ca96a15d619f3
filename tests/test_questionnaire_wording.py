"""The REAP questionnaire is written in Gapwise's own words: facts carry over from the source
articles, sentences do not. No run of five consecutive words from any article may appear in it.

The articles are not part of the repository: they sit beside it, in `../shared/seeds/` from the
repository root, on the machine where the questionnaire is written and reviewed. On a clone
without them the check is skipped, saying so; it is never reported as passed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from app.config import PROJECT_ROOT
from tests.conftest import QUESTIONNAIRES

SEEDS = PROJECT_ROOT.parent / "shared" / "seeds"
RUN = 5  # words; four in a row ("as well as the") are ordinary English, five are copying
# Version 1.0 is kept byte for byte (its content hash is pinned), so only current files count.
CURRENT = sorted(p for p in QUESTIONNAIRES.glob("*.yaml") if not re.search(r"-\d", p.stem))


def words(text: str) -> list[str]:
    """Lower-case words, apostrophes dropped, hyphens split, -ize spelled -ise."""
    text = text.lower().replace("\u2019", "").replace("'", "")
    return [word.replace("iz", "is") for word in re.findall(r"[a-z0-9]+", text)]


def runs(text: str) -> set[tuple[str, ...]]:
    found = words(text)
    return {tuple(found[i : i + RUN]) for i in range(len(found) - RUN + 1)}


def strings(node: object, path: str = "") -> Iterator[tuple[str, str]]:
    """Every text in a parsed YAML document, with its place, each checked on its own."""
    if isinstance(node, str):
        yield path, node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from strings(value, f"{path}.{key}" if path else str(key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from strings(value, f"{path}[{index}]")


def cited(path: str, text: str) -> str:
    """The framework description credits the articles and registered names by quoting them."""
    return re.sub(r'"[^"]*"', " ", text) if path == "description" else text


def test_the_word_runs_themselves_are_found() -> None:
    assert runs("Value development is managed, as a business Discipline!") == {
        ("value", "development", "is", "managed", "as"),
        ("development", "is", "managed", "as", "a"),
        ("is", "managed", "as", "a", "business"),
        ("managed", "as", "a", "business", "discipline"),
    }
    assert words("customer-centric organisations’ optimized") == [
        "customer", "centric", "organisations", "optimised"
    ]  # fmt: skip


@pytest.mark.parametrize("path", CURRENT, ids=lambda p: p.name)
def test_no_five_word_run_of_a_source_article_appears(path: Path) -> None:
    articles = sorted(SEEDS.glob("*.txt")) if SEEDS.is_dir() else []
    if not articles:
        pytest.skip(
            f"source articles not found in {SEEDS} (they live beside the repository, in "
            "../shared/seeds/, and are not part of a clone): the five-word check did not run"
        )
    source = set().union(*(runs(a.read_text(encoding="utf-8")) for a in articles))
    data = yaml.safe_load(path.read_text(encoding="utf-8"))

    copied = {
        where: sorted(" ".join(run) for run in runs(cited(where, text)) & source)
        for where, text in strings(data)
    }

    assert {where: found for where, found in copied.items() if found} == {}
