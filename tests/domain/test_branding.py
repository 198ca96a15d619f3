"""The brand's colour rules: any accent an admin picks stays readable."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.branding import (
    INK,
    WHITE,
    Brand,
    BrandingRefused,
    clean_colour,
    clean_name,
    contrast,
    readable_on_white,
)


@pytest.mark.parametrize(
    ("first", "second", "ratio"),
    [("#ffffff", "#000000", 21.0), ("#ffffff", "#ffffff", 1.0), ("#0b5f8a", "#ffffff", 6.96)],
)
def test_contrast(first: str, second: str, ratio: float) -> None:
    assert contrast(first, second) == pytest.approx(ratio, abs=0.05)


@pytest.mark.parametrize(
    ("accent", "text_colour", "on_accent"),
    [
        ("#0b5f8a", "#0b5f8a", WHITE),  # already readable: unchanged
        ("#f2b705", "#916e03", INK),  # a yellow: darkened for text, ink on it
        ("#ffffff", "#737373", INK),
        ("#000000", "#000000", WHITE),
    ],
)
def test_text_in_and_on_the_accent(accent: str, text_colour: str, on_accent: str) -> None:
    brand = Brand(accent=accent)
    assert (brand.accent_text, brand.on_accent) == (text_colour, on_accent)


@given(st.from_regex(r"#[0-9a-f]{6}", fullmatch=True))
def test_any_accent_gives_readable_text(colour: str) -> None:
    assert contrast(readable_on_white(colour), WHITE) >= 4.5
    assert contrast(Brand(accent=colour).on_accent, colour) >= 4.5


@pytest.mark.parametrize(("raw", "clean"), [(" #0B5F8A ", "#0b5f8a"), ("", "")])
def test_clean_colour(raw: str, clean: str) -> None:
    assert clean_colour(raw) == clean


@pytest.mark.parametrize("raw", ["0b5f8a", "#0b5f8", "red", "#0b5f8a;x", "url(x)"])
def test_a_colour_that_is_not_six_hex_digits_is_refused(raw: str) -> None:
    with pytest.raises(BrandingRefused, match="^accent_colour: "):
        clean_colour(raw)


def test_names_are_trimmed_and_checked() -> None:
    assert clean_name("  Harbour \n Advisory ") == "Harbour Advisory"
    with pytest.raises(BrandingRefused, match="^consultancy_name: "):
        clean_name("a\x07b")


def test_the_version_moves_with_every_visible_change() -> None:
    versions = {
        Brand().version,
        Brand(consultancy="A").version,
        Brand(accent="#000000").version,
    }
    assert len(versions) == 3
