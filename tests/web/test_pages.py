"""Pages and API through HTTP against a real SQLite file."""

from __future__ import annotations

import html

import pytest
from fastapi.testclient import TestClient

from app.db.engine import make_engine
from app.domain.loading import load_framework
from tests.conftest import QUESTIONNAIRES
from tests.factories import sign_in

REAP = load_framework(QUESTIONNAIRES / "reap-blueprint.yaml")


def test_home_says_what_gapwise_is_and_links_the_framework(client: TestClient) -> None:
    response = client.get("/")

    assert response.status_code == 200
    assert response.template.name == "home.html"
    assert [f.id for f in response.context["page"].frameworks] == ["reap-blueprint"]
    assert "<strong>today</strong>" in response.text and "<strong>target</strong>" in response.text
    assert 'href="/frameworks/reap-blueprint"' in response.text


def test_framework_page_shows_every_layer_area_and_criterion(client: TestClient) -> None:
    response = client.get("/frameworks/reap-blueprint")

    assert response.status_code == 200
    assert response.context["page"].framework == REAP
    for area in REAP.areas():
        assert f'id="area-{area.id}"' in response.text
        for criterion in area.all_criteria():
            assert f'id="criterion-{criterion.id}"' in response.text
    for level in REAP.scale.levels:
        assert level.label in response.text
    assert response.text.count("Levels, evidence and next step") == REAP.criterion_count
    strategy = next(REAP.criteria())
    for text in (strategy.hint, strategy.action, *(strategy.anchors or {}).values()):
        assert html.escape(text or "") in response.text


def test_frameworks_index_lists_the_loaded_frameworks(client: TestClient) -> None:
    response = client.get("/frameworks")

    assert response.status_code == 200
    assert REAP.title in response.text


def test_unknown_framework_page_is_a_readable_404(client: TestClient) -> None:
    response = client.get("/frameworks/nope")

    assert response.status_code == 404
    assert response.template.name == "error.html"
    assert "No framework with id &#39;nope&#39;." in response.text
    assert "Traceback" not in response.text


def test_api_lists_frameworks_with_absolute_urls_from_base_url(
    client: TestClient, api_token: dict[str, str]
) -> None:
    response = client.get("/api/v1/frameworks", headers={**api_token, "Host": "evil.example"})

    assert response.status_code == 200
    (item,) = response.json()
    assert item["id"] == "reap-blueprint"
    assert item["area_count"] == 14
    assert item["criterion_count"] == REAP.criterion_count
    assert item["url"] == "http://127.0.0.1:8000/api/v1/frameworks/reap-blueprint"


def test_api_returns_the_whole_structure(client: TestClient, api_token: dict[str, str]) -> None:
    response = client.get("/api/v1/frameworks/reap-blueprint", headers=api_token)

    assert response.status_code == 200
    body = response.json()
    assert [layer["id"] for layer in body["framework"]["layers"]] == [
        "foundations",
        "enabling",
        "execution",
    ]
    assert len(body["content_hash"]) == 64


def test_api_unknown_framework_is_json_404(client: TestClient, api_token: dict[str, str]) -> None:
    response = client.get("/api/v1/frameworks/nope", headers=api_token)

    assert response.status_code == 404
    assert response.json() == {"detail": "No framework with id 'nope'.", "errors": []}


def test_unknown_address_is_404_not_500(client: TestClient) -> None:
    assert client.get("/no/such/page").status_code == 404
    assert client.get("/api/v1/nothing").json() == {
        "detail": "There is no page at this address.",
        "errors": [],
    }


def test_healthz_checks_the_database(client: TestClient) -> None:
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_healthz_reports_an_unreachable_database(client: TestClient, tmp_path) -> None:
    client.app.state.engine = make_engine(f"sqlite:///{tmp_path}/missing-folder/gapwise.db")

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "unreachable"}


def test_openapi_documents_the_framework_endpoints(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]

    assert {"/api/v1/frameworks", "/api/v1/frameworks/{framework_id}", "/healthz"} <= set(paths)
    assert client.get("/docs").status_code == 200


@pytest.mark.parametrize("path", ["/", "/frameworks", "/frameworks/reap-blueprint", "/docs"])
def test_every_page_shows_a_signed_in_consultant_their_own_menu(
    client: TestClient, tenants, path: str
) -> None:
    sign_in(client, tenants[0].consultant.email)

    shown = client.get(path).text

    assert "Sign out" in shown and 'href="/organisations"' in shown
    assert ">Sign in<" not in shown
