"""Every chart draws what people wrote literally: no mathtext, no control characters in the SVG."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from fastapi.testclient import TestClient
from PIL import Image
from sqlmodel import Session, select

from app.db import repository, roadmaps
from app.db.engine import make_engine
from app.db.models import Assessment
from app.domain.answering import AnswerChoice
from app.domain.framework import Framework
from app.domain.scoring import Response, score_assessment, segment
from app.reports import charts
from tests.conftest import MINI_FRAMEWORK
from tests.databases import database_for
from tests.reports.test_pdf import pdf_text
from tests.servers import copy_of_demo
from tests.test_cli import gapwise

# mathtext that does not parse, a backslash command, and characters XML cannot hold
HOSTILE = "$\\foo$ Cost $\\sqrt{\\frac$ \x07\x1b"
DRAWN = "$\\foo$ Cost $\\sqrt{\\frac$"  # what the chart shows of it


def _hostile_framework() -> Framework:
    """The mini framework with every layer and area title replaced by hostile text."""
    document = yaml.safe_load(MINI_FRAMEWORK.read_text())
    for number, layer in enumerate(document["layers"]):
        layer["title"] = f"{HOSTILE} L{number}"
        for area in layer["areas"]:
            area["title"] = f"{HOSTILE} {area['id']}"
    return Framework.model_validate(document)


FRAMEWORK = _hostile_framework()
ANSWERS = {
    c.id: AnswerChoice(c.id, 1, 3) for area in FRAMEWORK.areas() for c in area.all_criteria()
}
RESPONSES = [  # two groups of two: both may be shown with a threshold of 2
    Response(number, f"{HOSTILE} group {group}", ANSWERS)
    for number, group in enumerate("AABB", start=1)
]
RESULTS = score_assessment(FRAMEWORK, RESPONSES)
NOBODY = score_assessment(FRAMEWORK, [Response(1, "", {})])
CHARTS: dict[str, Callable[[str], bytes]] = {
    "radar": lambda fmt: charts.radar_chart(RESULTS, FRAMEWORK, fmt),
    "layers": lambda fmt: charts.layer_bars(RESULTS, FRAMEWORK, fmt),
    "gaps": lambda fmt: charts.gap_ranking(RESULTS, FRAMEWORK, fmt),
    "heatmap": lambda fmt: charts.heatmap([(f"{HOSTILE} person", RESULTS)], FRAMEWORK, fmt),
    "groups": lambda fmt: charts.group_radar(segment(FRAMEWORK, RESPONSES, 2), FRAMEWORK, fmt),
    "timeline": lambda fmt: charts.roadmap_timeline([(f"{HOSTILE} plan", 0, None)], fmt),
}
EMPTY: dict[str, Callable[[], bytes]] = {
    "radar": lambda: charts.radar_chart(NOBODY, FRAMEWORK),
    "layers": lambda: charts.layer_bars(NOBODY, FRAMEWORK),
    "gaps": lambda: charts.gap_ranking(NOBODY, FRAMEWORK),
    "heatmap": lambda: charts.heatmap([], FRAMEWORK),
    "groups": lambda: charts.group_radar(segment(FRAMEWORK, []), FRAMEWORK),
    "timeline": lambda: charts.roadmap_timeline([]),
}


def svg_texts(svg: bytes) -> str:
    """All text an SVG shows (it parses as XML, or this fails)."""
    root = ET.fromstring(svg)
    return " ".join(
        "".join(node.itertext()) for node in root.iter("{http://www.w3.org/2000/svg}text")
    )


@pytest.mark.parametrize("name", CHARTS)
def test_every_chart_draws_hostile_titles_and_names_literally(name: str) -> None:
    svg = CHARTS[name]("svg")

    assert DRAWN in svg_texts(svg)
    assert b"\x07" not in svg and b"\x1b" not in svg


@pytest.mark.parametrize("name", CHARTS)
def test_every_chart_renders_hostile_text_as_png_too(name: str, tmp_path) -> None:
    path = tmp_path / f"{name}.png"
    path.write_bytes(CHARTS[name]("png"))

    with Image.open(path) as image:
        assert image.width > 100 and image.height > 50


@pytest.mark.parametrize("name", EMPTY)
def test_every_chart_draws_before_anyone_has_scored(name: str) -> None:
    svg = EMPTY[name]()

    assert ET.fromstring(svg).tag == "{http://www.w3.org/2000/svg}svg"


def test_the_empty_heatmap_says_why_it_is_empty() -> None:
    assert charts.WITHHELD in svg_texts(charts.heatmap([], FRAMEWORK))


GROUP = "$\\foo$ Ops"
PLAN = "Cost $\\sqrt{\\frac$"


def _give_hostile_names(session: Session, assessment: Assessment) -> None:
    """A group named like mathtext, and a roadmap initiative titled like broken mathtext."""
    for participant in repository.participants_of(session=session, assessment=assessment)[:3]:
        participant.group = GROUP
        session.add(participant)
    roadmaps.add_item(session=session, assessment=assessment, title=PLAN, horizon=0)
    session.commit()


@pytest.mark.pages_only  # how text is drawn
def test_every_chart_page_and_the_report_draw_hostile_names(
    client: TestClient, session: Session, demo: Assessment, tmp_path: Path
) -> None:
    _give_hostile_names(session, demo)

    for name in ("radar", "layers", "gaps", "heatmap", "groups"):
        response = client.get(f"/assessments/{demo.id}/charts/{name}.svg")
        assert response.status_code == 200, name
    assert GROUP in svg_texts(client.get(f"/assessments/{demo.id}/charts/groups.svg").content)
    report = client.get(f"/assessments/{demo.id}/report.pdf")

    assert report.status_code == 200, report.text[:200]
    assert PLAN in pdf_text(report.content, tmp_path)


@pytest.mark.pages_only  # how text is drawn
def test_the_cli_report_draws_hostile_names(tmp_path: Path, demo_template: str) -> None:
    data = tmp_path / "data"
    copy_of_demo(data, demo_template)
    engine = make_engine(database_for(data))
    with Session(engine) as session:
        _give_hostile_names(session, session.exec(select(Assessment)).one())
    engine.dispose()
    output = tmp_path / "report.pdf"

    result = gapwise("report", "1", "-o", str(output), data_dir=data)

    assert result.returncode == 0, result.stderr
    assert PLAN in pdf_text(output.read_bytes(), tmp_path)


@pytest.mark.parametrize("name", ["radar", "layers", "gaps"])
def test_charts_call_the_level_now_today_as_the_pages_and_the_form_do(name: str) -> None:
    texts = svg_texts(CHARTS[name]("svg"))

    assert "Today" in texts or "today" in texts
    assert "Current" not in texts and "current" not in texts
