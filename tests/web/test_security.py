"""Security headers on every response, and an API reference that loads nothing from outside."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from app.config import Settings, load_settings
from app.db import repository
from app.db.engine import make_engine
from app.db.migrations import migrate
from app.main import create_app
from app.web.security import CONTENT_SECURITY_POLICY
from tests.conftest import QUESTIONNAIRES

EXPECTED = {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "x-frame-options": "DENY",
    "cross-origin-opener-policy": "same-origin",
}
HSTS = "max-age=31536000; includeSubDomains"
KINDS_OF_RESPONSE = {
    "html page": ("/frameworks/reap-blueprint", 200),
    "json": ("/healthz", 200),
    "html 404": ("/no/such/page", 404),
    "json api 404": ("/api/v1/nothing", 404),
    "static file": ("/static/css/app.css", 200),
    "api reference": ("/docs", 200),
    "openapi schema": ("/openapi.json", 200),
}


@pytest.fixture
def https_client(tmp_path: Path) -> Iterator[TestClient]:
    """The app as deployed behind https: a migrated database of its own."""
    settings = load_settings(
        data_dir=tmp_path / "https",
        questionnaires_dir=QUESTIONNAIRES,
        base_url="https://gapwise.example",
    )
    engine = make_engine(settings.sqlalchemy_url)
    migrate(engine)
    with Session(engine) as session:
        repository.store_questionnaires(session=session, directory=settings.questionnaires_dir)
        session.commit()
    engine.dispose()
    with TestClient(create_app(settings), base_url="https://gapwise.example") as client:
        yield client


@pytest.mark.parametrize(
    ("path", "status"), KINDS_OF_RESPONSE.values(), ids=KINDS_OF_RESPONSE.keys()
)
def test_every_kind_of_response_carries_the_security_headers(
    client: TestClient, path: str, status: int
) -> None:
    response = client.get(path)

    assert response.status_code == status, response.text
    for name, value in EXPECTED.items():
        assert response.headers.get(name) == value, name


def test_an_unexpected_error_page_carries_them_too(settings: Settings, engine: Engine) -> None:
    app = create_app(settings)

    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("boom")

    with TestClient(app, raise_server_exceptions=False) as failing:
        response = failing.get("/boom")

    assert response.status_code == 500
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY


def test_headers_are_not_duplicated(client: TestClient) -> None:
    response = client.get("/")

    assert len(response.headers.get_list("content-security-policy")) == 1


def test_no_hsts_over_plain_http(client: TestClient) -> None:
    assert "strict-transport-security" not in client.get("/").headers


@pytest.mark.parametrize("path", ["/", "/healthz", "/api/v1/nothing", "/static/css/app.css"])
def test_hsts_when_the_base_url_is_https(https_client: TestClient, path: str) -> None:
    assert https_client.get(path).headers["strict-transport-security"] == HSTS


def test_csp_allows_no_inline_code_and_nothing_from_other_hosts() -> None:
    assert "unsafe-inline" not in CONTENT_SECURITY_POLICY
    assert "unsafe-eval" not in CONTENT_SECURITY_POLICY
    assert "http" not in CONTENT_SECURITY_POLICY and "*" not in CONTENT_SECURITY_POLICY


def test_api_reference_serves_swagger_ui_from_this_site(client: TestClient) -> None:
    response = client.get("/docs")

    assert response.status_code == 200
    assert response.template.name == "docs/index.html"
    scripts = re.findall(r'<script src="([^"]+)"', response.text)
    assert scripts[-2:] == ["/docs/assets/swagger-ui-bundle.js", "/static/js/api-docs.js"]
    assert 'data-openapi-url="/openapi.json"' in response.text
    for asset in ("/docs/assets/swagger-ui-bundle.js", "/docs/assets/swagger-ui.css"):
        assert client.get(asset).status_code == 200, asset


def test_api_reference_loads_nothing_from_another_host(client: TestClient) -> None:
    html = client.get("/docs").text

    assert "<script>" not in html.lower()  # no inline script: the CSP would refuse it
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert all(url.startswith(("/", "#")) for url in assets), assets


def test_the_api_declares_its_bearer_tokens(client: TestClient) -> None:
    """So that Swagger UI offers "Authorize" for a token."""
    schema = client.get("/openapi.json").json()

    assert schema["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"
    operation = schema["paths"]["/api/v1/frameworks"]["get"]
    assert operation["security"] == [{"HTTPBearer": []}]


def test_api_reference_is_not_in_the_schema_itself(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]

    assert "/docs" not in paths and "/openapi.json" not in paths


def test_the_cdn_backed_swagger_and_redoc_pages_are_gone(client: TestClient) -> None:
    assert client.get("/redoc").status_code == 404
    assert client.get("/docs/oauth2-redirect").status_code == 404
