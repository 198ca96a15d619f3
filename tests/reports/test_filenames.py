"""Download names: meaningful, and safe on every common operating system."""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import unquote

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.reports.filenames import (
    MAX_BYTES,
    ascii_fallback,
    content_disposition,
    download_name,
)

DAY = date(2026, 11, 23)
UNSAFE = re.compile(r'[\x00-\x1f\x7f-\x9f<>:"/\\|?*]')
RESERVED = re.compile(r"^(con|prn|aux|nul|com\d|lpt\d)$", re.IGNORECASE)


@pytest.mark.parametrize(
    ("parts", "extension", "expected"),
    [
        (["Northwind Utilities", "Customer capability baseline"], "pdf",
         "Northwind Utilities — Customer capability baseline — 2026-11-23.pdf"),
        (["Acme / R&D", "Q4: \"baseline\"?", ""], "xlsx",
         "Acme R&D — Q4 baseline — 2026-11-23.xlsx"),
        (["..", "  ", "\x00\x1b[31m"], "csv", "[31m — 2026-11-23.csv"),
        (["Zürich Ämter", "Ünïcödé ✓"], "pptx", "Zürich Ämter — Ünïcödé ✓ — 2026-11-23.pptx"),
        (["CON", "nul"], "pdf", "CON — nul — 2026-11-23.pdf"),
    ],
)  # fmt: skip
def test_download_name(parts: list[str], extension: str, expected: str) -> None:
    assert download_name(parts, DAY, extension) == expected


def test_a_long_name_is_cut_at_a_character_boundary() -> None:
    name = download_name(["€" * 300, "title"], DAY, "pdf")
    assert len(name.encode()) <= MAX_BYTES and name.endswith("€ — 2026-11-23.pdf")


@pytest.mark.parametrize(
    ("name", "fallback"),
    [
        ("Zürich — baseline — 2026-11-23.pdf", "Zurich - baseline - 2026-11-23.pdf"),
        ("中文.pdf", "download.pdf"),
        ("con.pdf", "_con.pdf"),
    ],
)
def test_ascii_fallback(name: str, fallback: str) -> None:
    assert ascii_fallback(name) == fallback


@given(st.lists(st.text(), max_size=4), st.sampled_from(["pdf", "pptx", "xlsx", "csv", "json"]))
def test_every_name_is_safe_everywhere(parts: list[str], extension: str) -> None:
    name = download_name(parts, DAY, extension)
    stem = name.rsplit(".", 1)[0]
    assert name.endswith(f"— 2026-11-23.{extension}") or name == f"2026-11-23.{extension}"
    assert not UNSAFE.search(name) and len(name.encode()) <= MAX_BYTES
    assert not RESERVED.match(stem) and not stem.endswith((" ", "."))
    header = content_disposition(name)
    fallback = re.search(r'filename="([^"]*)"', header)
    assert fallback and fallback.group(1).isascii() and fallback.group(1).isprintable()
    assert unquote(header.split("filename*=UTF-8''")[1]) == name
    assert not re.search(r"[\s;,\"]", header.split("filename*=UTF-8''")[1])
