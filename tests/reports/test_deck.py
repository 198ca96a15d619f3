"""The slide deck, opened with python-pptx: every slide's text, its pictures and its shape."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

from fastapi.testclient import TestClient
from pptx import Presentation
from pptx.util import Emu
from sqlmodel import Session, select

from app.db import branding, repository
from app.db.engine import make_engine
from app.db.models import Assessment, Organisation
from app.domain.loading import load_framework
from app.domain.narrative import Narrative
from app.reports.deck import prepared_line
from app.reports.logos import clean_logo
from tests.conftest import QUESTIONNAIRES
from tests.databases import database_for
from tests.factories import sign_in
from tests.reports.test_logos import png
from tests.servers import copy_of_demo
from tests.test_cli import gapwise

FRAMEWORK = load_framework(QUESTIONNAIRES / "reap-blueprint.yaml")
NARRATIVE = Narrative(
    narrative="We found strong execution on weak foundations.\n\nThe data is the constraint.",
    key_messages="- Fix the data first\n- <b>Leaders</b> & front line disagree",
    recommendations="- Appoint a data owner\n- Re-assess in a year",
)


def slide_texts(slide) -> list[str]:
    """Every piece of text on a slide: text boxes, the title, and table cells."""
    texts = []
    for shape in slide.shapes:
        if shape.has_text_frame and shape.text_frame.text.strip():
            texts.append(shape.text_frame.text)
        if shape.has_table:
            texts.extend(cell.text for row in shape.table.rows for cell in row.cells)
    return texts


def brand_the_demo(data_dir: Path) -> None:
    engine = make_engine(database_for(data_dir))
    with Session(engine) as session:
        demo = session.exec(select(Assessment)).one()
        repository.set_narrative(session=session, assessment=demo, narrative=NARRATIVE)
        branding.save_branding(
            session=session, consultancy_name="Harbour Advisory", accent_colour="#f2b705"
        )
        branding.set_consultancy_logo(session=session, image=clean_logo(png((400, 120))))
        client = session.exec(select(Organisation)).one()
        branding.set_client_logo(
            session=session, organisation=client, image=clean_logo(png((300, 300)))
        )
        session.commit()
    engine.dispose()


def test_the_cli_deck_of_the_demo_has_every_slide_in_the_consultants_branding(
    tmp_path: Path, demo_template: str
) -> None:
    data = tmp_path / "data"
    copy_of_demo(data, demo_template)
    brand_the_demo(data)
    output = tmp_path / "deck.pptx"

    result = gapwise("deck", "1", "-o", str(output), "--prepared-by", "Ann", data_dir=data)

    assert result.returncode == 0, result.stderr
    deck = Presentation(str(output))
    assert deck.slide_width * 9 == deck.slide_height * 16  # 16:9
    slides = [slide_texts(s) for s in deck.slides]
    titles = [s.shapes.title.text if s.shapes.title else "" for s in deck.slides]
    layers = [layer.title for layer in FRAMEWORK.layers]
    assert titles == [
        "",  # the title slide is laid out by hand
        "Executive summary",
        "Capability at a glance",
        "Layers",
        "Where the gaps are",
        *layers,
        "Where views differ",
        "Roadmap",
        "Roadmap initiatives (1 of 2)",
        "Roadmap initiatives (2 of 2)",
        "Next steps",
    ]
    cover = " ".join(slides[0])
    for expected in ("Customer capability baseline", "Northwind Utilities (demo)",
                     "Prepared by Ann · Harbour Advisory", "CONFIDENTIAL", "REAP"):  # fmt: skip
        assert expected in cover
    key = "Levels: 0\u00a0Not in place · 1\u00a0Ad hoc · 2\u00a0In places · 3\u00a0Defined"
    assert [index for index, texts in enumerate(slides) if key in " ".join(texts)] == [2]
    summary = " ".join(slides[1])
    assert "We found strong execution on weak foundations." in summary
    assert "KEY MESSAGES" in summary and "<b>Leaders</b> & front line disagree" in summary
    for index, layer in enumerate(FRAMEWORK.layers):
        text = " ".join(slides[5 + index])
        assert all(area.title in text for area in layer.areas), layer.title
        assert "WIDEST GAPS HERE" in text and "Today" in text
    assert "Lowest" in slides[8] and "People" in slides[8] and "Std dev" not in slides[8]
    assert "widest first: the 9 widest of" in " ".join(slides[8])  # how many are not shown
    initiatives = " ".join(slides[10] + slides[11])
    assert "Raise Leadership & Direction from" in initiatives and "0–3 months" in initiatives
    assert "Appoint a data owner" in " ".join(slides[12])
    for number, texts in enumerate(slides[1:], start=2):
        footer = " ".join(texts)
        assert "Harbour Advisory · Customer capability baseline · Confidential" in footer
        assert str(number) in texts, number


def test_charts_are_sharp_pictures_with_alt_text_and_logos_are_placed(
    tmp_path: Path, demo_template: str
) -> None:
    data = tmp_path / "data"
    copy_of_demo(data, demo_template)
    brand_the_demo(data)
    output = tmp_path / "deck.pptx"
    assert gapwise("deck", "1", "-o", str(output), data_dir=data).returncode == 0
    deck = Presentation(str(output))

    pictures = [
        (index, shape)
        for index, slide in enumerate(deck.slides)
        for shape in slide.shapes
        if shape.shape_type == 13  # MSO_SHAPE_TYPE.PICTURE
    ]
    alts = {shape._element.nvPicPr.cNvPr.get("descr") for _, shape in pictures}
    assert "Radar chart of every area, today against target" in alts  # the registry's
    assert {"Harbour Advisory logo", "Northwind Utilities (demo) logo"} <= alts
    for _, shape in pictures:
        if shape.image.content_type == "image/png" and "chart" in shape._element.nvPicPr.cNvPr.get(
            "descr"
        ):
            width_px = shape.image.size[0]
            shown_inches = Emu(shape.width).inches
            assert width_px / shown_inches >= 200, "charts are drawn at 200 dpi or more"
    assert all(
        shape.top + shape.height <= deck.slide_height
        and shape.left + shape.width <= deck.slide_width
        for slide in deck.slides
        for shape in slide.shapes
    ), "nothing hangs off a slide"


def test_the_deck_downloads_once_then_comes_from_the_cache(
    client: TestClient, session: Session, settings, tenants
) -> None:
    own = tenants[0]
    sign_in(client, own.viewer.email)
    url = f"/assessments/{own.assessment.id}/export/pptx"

    first = client.get(url)
    second = client.get(url)

    assert first.status_code == 200, first.text
    assert first.headers["content-type"] == (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation"
    )
    assert first.headers["content-disposition"].endswith(
        f"filename*=UTF-8''Acme%20%E2%80%94%20Acme%20baseline%20%E2%80%94%20{date.today()}.pptx"
    )
    assert second.content == first.content
    cache = settings.data_dir / "cache" / f"assessment-{own.assessment.id}"
    assert len(list(cache.glob("export-*.pptx.*"))) == 1
    deck = Presentation(io.BytesIO(first.content))
    assert slide_texts(deck.slides[0])[:1] and "Acme baseline" in " ".join(
        slide_texts(deck.slides[0])
    )


def test_the_cli_refuses_an_unknown_assessment_and_an_unwritable_output(tmp_path: Path) -> None:
    missing = gapwise("deck", "99", "-o", str(tmp_path / "x.pptx"), data_dir=tmp_path)
    assert missing.returncode == 2 and "assessment: no assessment with id 99" in missing.stderr
    assert gapwise("demo", data_dir=tmp_path).returncode == 0
    nowhere = gapwise("deck", "1", "-o", str(tmp_path / "no" / "x.pptx"), data_dir=tmp_path)
    assert nowhere.returncode == 2 and "output: cannot write" in nowhere.stderr
    assert "Traceback" not in nowhere.stderr


def test_the_cover_names_an_author_who_is_the_brand_once() -> None:
    assert prepared_line("Ann", "Harbour Advisory", "2 December 2026") == (
        "Prepared by Ann · Harbour Advisory · 2 December 2026"
    )
    assert prepared_line("Gapwise", "Gapwise", "2 December 2026") == (
        "Prepared by Gapwise · 2 December 2026"
    )
