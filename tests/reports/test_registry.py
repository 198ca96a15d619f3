"""Charts and export formats are declared once: a new registration alone puts a chart on the
results page, behind its route and in the report, and an export format behind its link."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.reports import registry
from app.reports.pdf import report_html
from app.reports.registry import Chart, ExportFormat
from tests.factories import Tenant, sign_in

SQUARE = '<svg xmlns="http://www.w3.org/2000/svg"><rect width="1" height="1"/></svg>'


@pytest.fixture
def extra_chart(monkeypatch: pytest.MonkeyPatch) -> Chart:
    chart = Chart(
        "squares",
        "One square per area",
        "A square for every area.",
        lambda data, image_format: SQUARE.encode(),
        page="overview",
        report="overview",
    )
    monkeypatch.setitem(registry.CHARTS, chart.name, chart)
    return chart


@pytest.fixture
def extra_export(monkeypatch: pytest.MonkeyPatch) -> ExportFormat:
    export_format = ExportFormat(
        "txt", "Plain text", "text/plain; charset=utf-8", lambda source: source.title.encode()
    )
    monkeypatch.setitem(registry.EXPORTS, export_format.name, export_format)
    return export_format


def test_a_registered_chart_is_on_the_page_behind_its_route_and_in_the_report(
    client: TestClient, session: Session, tenants: tuple[Tenant, Tenant], extra_chart: Chart
) -> None:
    from app.report_data import report_data_of

    own = tenants[0]
    sign_in(client, own.viewer.email)

    page = client.get(f"/assessments/{own.assessment.id}/results")
    image = client.get(f"/assessments/{own.assessment.id}/charts/squares.svg")
    data = report_data_of(session=session, assessment=own.assessment, prepared_by="x")

    assert f"/assessments/{own.assessment.id}/charts/squares.svg" in page.text
    assert extra_chart.caption in page.text and extra_chart.title in page.text
    assert (image.status_code, image.text) == (200, SQUARE)
    assert extra_chart.caption in report_html(data)


def test_a_chart_with_nothing_to_show_is_left_out(
    client: TestClient, session: Session, tenants: tuple[Tenant, Tenant]
) -> None:
    own = tenants[0]  # one participant, so one group
    sign_in(client, own.viewer.email)

    page = client.get(f"/assessments/{own.assessment.id}/results")

    assert "/charts/heatmap.svg" in page.text and "/charts/groups.svg" not in page.text


def test_a_registered_export_format_has_its_link_and_its_media_type(
    client: TestClient, tenants: tuple[Tenant, Tenant], extra_export: ExportFormat
) -> None:
    own = tenants[0]
    sign_in(client, own.viewer.email)

    page = client.get(f"/assessments/{own.assessment.id}")
    response = client.get(f"/assessments/{own.assessment.id}/export/txt")

    assert f'/assessments/{own.assessment.id}/export/txt">Plain text</a>' in page.text
    assert response.headers["content-type"] == extra_export.media_type
    assert response.text == own.assessment.title
    assert 'filename="Acme - Acme baseline - ' in response.headers["content-disposition"]


@pytest.mark.parametrize("name", ["xls", "pdf", "CSV", "json.exe"])
def test_an_unknown_export_format_is_404_never_a_spreadsheet(
    client: TestClient, tenants: tuple[Tenant, Tenant], name: str
) -> None:
    own = tenants[0]
    sign_in(client, own.viewer.email)

    response = client.get(f"/assessments/{own.assessment.id}/export/{name}")

    assert response.status_code == 404
    assert "csv, xlsx, json" in response.text
    assert "spreadsheetml" not in response.headers["content-type"]
