"""What the demo report prints: no text under 8 pt (charts included), tagged, one font family.

Read back from the PDF itself: `pdftotext -bbox` gives every word's box, whose height is the
font's ascent plus descent (1.164 em for DejaVu Sans, the report's only family), and
`pdffonts` lists the fonts embedded.
"""

from __future__ import annotations

import re
import subprocess
from collections import defaultdict
from pathlib import Path

import pytest
from sqlmodel import Session

from app.db.models import Assessment
from app.report_data import report_data_of
from app.reports.pdf import render_pdf

MIN_POINTS = 8
EM_BOX = 1.164  # DejaVu Sans: (ascent + descent) / em
WORD = re.compile(
    r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>'
)


def small_words(pdf: Path) -> dict[int, list[str]]:
    """Words printed smaller than MIN_POINTS, by page."""
    html = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, check=True, text=True
    ).stdout
    found: dict[int, list[str]] = defaultdict(list)
    for number, page in enumerate(html.split("<page ")[1:], start=1):
        for match in WORD.finditer(page):
            height = float(match.group(4)) - float(match.group(2))
            if height < MIN_POINTS * EM_BOX - 0.05:
                found[number].append(f"{match.group(5)} ({height / EM_BOX:.1f} pt)")
    return dict(found)


@pytest.mark.pages_only  # the PDF's layout
def test_no_text_in_the_demo_report_is_under_8_points(
    session: Session, demo: Assessment, tmp_path: Path
) -> None:
    pdf = tmp_path / "demo.pdf"
    pdf.write_bytes(render_pdf(report_data_of(session=session, assessment=demo, prepared_by="x")))

    assert small_words(pdf) == {}
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, check=True, text=True)
    names = [line.split()[0] for line in fonts.stdout.splitlines()[2:]]
    families = {re.sub(r"-(Bold|Oblique|BoldOblique)$", "", n.split("+")[-1]) for n in names}
    assert families == {"DejaVu-Sans"}, "charts and text share one family"
