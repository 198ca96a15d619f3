"""The issue's team in Chromium: with one person per group (k = 3) no group breakdown and no
group-tagged comment appears anywhere, on the results page, an area page or in the PDF's
text; with three people per group they all do."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import select

from app.db import repository
from app.db.engine import make_engine, session_scope
from app.db.models import Organisation
from tests.e2e.conftest import screenshot, sign_in
from tests.servers import LiveServer, demo_server
from tests.web.test_anonymity import AREAS, GROUPS, _team

pytestmark = [pytest.mark.e2e, pytest.mark.pages_only(run="postgresql")]  # evens the runs out


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, demo_template: str) -> Iterator[LiveServer]:
    """A server of its own: the tests add assessments to the demo organisation."""
    with demo_server(tmp_path_factory.mktemp("anonymity"), template=demo_template) as live:
        yield live


def _assessment_with_team(server: LiveServer, per_group: int) -> int:
    """A new assessment of the demo client whose team has `per_group` people in each group,
    each scoring three areas and leaving a comment; stored straight in the server's database."""
    engine = make_engine(server.database_url)
    try:
        with session_scope(engine) as session:
            organisation = session.exec(select(Organisation)).first()
            snapshot = repository.latest_snapshot(session=session, framework_key="reap-blueprint")
            assert organisation is not None and snapshot is not None
            assessment = repository.create_assessment(
                session=session,
                organisation=organisation,
                snapshot=snapshot,
                title=f"Team of {per_group} per group",
                purpose="Answers are confidential; results are shown by group.",
            )
            session.flush()
            _team(session, SimpleNamespace(assessment=assessment), per_group)  # type: ignore[arg-type]
            return assessment.id or 0
    finally:
        engine.dispose()


def _pdf_text(page: Page, server: LiveServer, assessment: int) -> str:
    pdf = page.request.get(f"{server.url}/assessments/{assessment}/report.pdf", timeout=150_000)
    assert pdf.status == 200
    path = Path(server.data_dir) / f"report-{assessment}.pdf"
    path.write_bytes(pdf.body())
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
    return " ".join(text.split())


def _open(page: Page, server: LiveServer, assessment: int, width: int, name: str) -> None:
    """The results page and the first area's page, at `width` CSS pixels, kept as screenshots."""
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{server.url}/assessments/{assessment}/results")
    expect(page.get_by_role("heading", name="Results", level=1)).to_be_visible()
    page.wait_for_load_state("networkidle")
    screenshot(page, f"{name}-results-{width}")
    # a chart wider than a phone scrolls inside its card: the page itself never does
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_one_person_per_group_shows_no_group_anywhere(page: Page, server: LiveServer) -> None:
    assessment = _assessment_with_team(server, per_group=1)
    sign_in(page, server)

    _open(page, server, assessment, 1280, "one-per-group")
    results = page.inner_text("main")
    assert "no group is shown" in results
    assert page.get_by_role("heading", name="Where groups see it most differently").count() == 0
    assert page.get_by_role("list", name="Group").count() == 0  # no group to choose
    page.get_by_role("link", name=AREAS[0].title).first.click()
    expect(page.get_by_role("heading", name=AREAS[0].title, level=1)).to_be_visible()
    screenshot(page, "one-per-group-area-1280")
    area = page.inner_text("main")
    pdf = _pdf_text(page, server, assessment)

    assert "remark from Leadership" in area and "remark from Leadership" in pdf
    assert page.locator("blockquote.comment footer").count() == 0  # comments without a group
    assert page.locator(".plot-legend").count() == 0  # the dots are not coloured by group
    assert page.locator(".plot--spread").count() == len(list(AREAS[0].all_criteria()))
    assert "Where groups see it differently" not in pdf
    for group in GROUPS:
        assert f"— {group}" not in pdf and f"{group} (" not in pdf + results
        assert f"Person {group} 0 (" not in pdf  # no name beside group-level data


def test_three_people_per_group_show_every_group(page: Page, server: LiveServer) -> None:
    assessment = _assessment_with_team(server, per_group=3)
    sign_in(page, server)

    _open(page, server, assessment, 1280, "three-per-group")
    expect(page.get_by_role("heading", name="Where groups see it most differently")).to_be_visible()
    choices = page.get_by_role("list", name="Group")
    for group in GROUPS:
        expect(choices.get_by_role("link", name=group)).to_be_visible()
    _open(page, server, assessment, 390, "three-per-group")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("link", name=AREAS[0].title).first.click()
    expect(page.get_by_role("heading", name=AREAS[0].title, level=1)).to_be_visible()
    screenshot(page, "three-per-group-area-1280")
    legend = page.locator(".plot-legend").inner_text()
    footers = page.locator("blockquote.comment footer").all_inner_texts()
    page.set_viewport_size({"width": 390, "height": 900})
    screenshot(page, "three-per-group-area-390")
    pdf = _pdf_text(page, server, assessment)

    for group in GROUPS:
        assert group in legend and group in footers
        assert f"— {group}" in pdf
    assert "Where groups see it differently" in pdf

    page.get_by_role("link", name="Results").first.click()
    page.get_by_role("list", name="Group").get_by_role("link", name="Management").click()
    expect(page.get_by_text("Management: 0 submitted of 3 invited")).to_be_visible()
