"""The consultant's narrative: plain text in, paragraphs and bullet lists out."""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from app.domain.narrative import (
    MAX_CHARACTERS,
    Bullets,
    NarrativeRefused,
    Paragraph,
    blocks,
    clean_text,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", ()),
        ("One line.", (Paragraph("One line."),)),
        ("First\nstill first.\n\nSecond.", (Paragraph("First still first."), Paragraph("Second."))),
        ("- a\n- b", (Bullets(("a", "b")),)),
        ("* a\n• b\n  - c", (Bullets(("a", "b", "c")),)),
        ("Lead in:\n- a\n- b\nwraps on\n\nAfter.",
         (Paragraph("Lead in:"), Bullets(("a", "b wraps on")), Paragraph("After."))),
        ("-not a bullet", (Paragraph("-not a bullet"),)),
        ("<b>bold</b> & <script>", (Paragraph("<b>bold</b> & <script>"),)),
    ],
)  # fmt: skip
def test_blocks(text: str, expected: tuple) -> None:
    assert blocks(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("  a\r\nb  \r\n", "a\nb"),
        ("tab\there", "tab    here"),
        ("bell\x07 and null\x00 and \x9b end", "bell and null and  end"),
        ("only C0/C1 controls go: é 中 ✓", "only C0/C1 controls go: é 中 ✓"),
    ],
)
def test_clean_text(text: str, expected: str) -> None:
    assert clean_text(text, "narrative") == expected


def test_too_long_is_refused_naming_the_field() -> None:
    with pytest.raises(NarrativeRefused, match=f"^key_messages: .* at most {MAX_CHARACTERS}"):
        clean_text("x" * (MAX_CHARACTERS + 1), "key_messages")


@given(st.text(max_size=400))
@example("-\xa00")  # a bullet's mark then a no-break space, as pasted from a word processor
def test_no_word_is_lost_or_invented_and_order_is_kept(text: str) -> None:
    cleaned = clean_text(text, "narrative")
    laid_out = []
    for block in blocks(cleaned):
        for part in block.items if isinstance(block, Bullets) else (block.text,):
            laid_out.extend(part.split())
    typed = []
    for line in cleaned.split("\n"):
        words = line.split()  # any white space parts words, as it does on the page
        if len(words) > 1 and words[0] in ("-", "*", "•"):
            words = words[1:]  # the bullet's mark
        typed.extend(words)
    assert laid_out == typed
