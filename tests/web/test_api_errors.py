"""One error shape for every API error, documented in the OpenAPI schema with its headers."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from app.db.models import MAX_ID
from app.web.errors import ErrorPublic

ID_ROUTES = [
    "/api/v1/frameworks/{framework_id}",
    "/api/v1/organisations/{organisation_id}",
    "/api/v1/assessments/{assessment_id}",
    "/api/v1/assessments/{assessment_id}/results",
]


def _path(template: str, value: str) -> str:
    return template.split("{")[0] + value + template.split("}")[1]


def _assert_error_shape(response, status: int) -> ErrorPublic:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    return ErrorPublic.model_validate(response.json(), strict=True)


def test_no_token_is_401_with_the_shape_and_www_authenticate(client: TestClient) -> None:
    response = client.get("/api/v1/organisations")

    _assert_error_shape(response, 401)
    assert response.headers["www-authenticate"] == "Bearer"


def test_a_wrong_token_says_why_in_www_authenticate(client: TestClient) -> None:
    response = client.get("/api/v1/organisations", headers={"Authorization": "Bearer gw_nope"})

    _assert_error_shape(response, 401)
    assert response.headers["www-authenticate"] == 'Bearer error="invalid_token"'


@pytest.mark.parametrize("scheme", ["bearer", "BEARER", "Bearer", "beaRer"])
def test_the_bearer_scheme_is_case_insensitive(client: TestClient, tenants, scheme: str) -> None:
    headers = {"Authorization": f"{scheme} {tenants[0].token}"}

    assert client.get("/api/v1/organisations", headers=headers).status_code == 200


@pytest.mark.parametrize("template", ID_ROUTES)
def test_unknown_and_malformed_ids_are_404_and_422_with_the_shape(
    client: TestClient, api_token: dict[str, str], template: str
) -> None:
    unknown = client.get(_path(template, "999999"), headers=api_token)
    malformed = client.get(_path(template, "-1"), headers=api_token)

    _assert_error_shape(unknown, 404)
    error = _assert_error_shape(malformed, 422)
    (problem,) = error.errors
    name = template.split("{")[1].split("}")[0]
    assert problem.field == f"path.{name}"
    assert error.detail.startswith(name.replace("_", " ").capitalize() + ": "), error.detail


@pytest.mark.parametrize("template", ID_ROUTES[1:])
def test_an_id_too_large_for_the_database_is_422_not_a_server_error(
    client: TestClient, api_token: dict[str, str], template: str
) -> None:
    """Ids are INTEGER columns; PostgreSQL refuses 2**31 in a query on one."""
    largest = client.get(_path(template, str(MAX_ID)), headers=api_token)
    beyond = client.get(_path(template, str(MAX_ID + 1)), headers=api_token)

    _assert_error_shape(largest, 404)
    _assert_error_shape(beyond, 422)


@pytest.mark.parametrize("path", ["/api/v1/frameworks", "/api/v1/organisations/1", "/healthz"])
def test_405_keeps_its_allow_header(client: TestClient, path: str) -> None:
    response = client.delete(path, headers={"Accept": "application/json"})

    _assert_error_shape(response, 405)
    assert response.headers["allow"] == "GET"


def test_a_405_page_keeps_its_allow_header_too(client: TestClient) -> None:
    response = client.put("/organisations/1/audit")

    assert response.status_code == 405 and "text/html" in response.headers["content-type"]
    assert response.headers["allow"] == "GET"


def test_the_schema_declares_the_bearer_scheme_on_every_api_route(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()

    (name,) = spec["components"]["securitySchemes"]
    assert spec["components"]["securitySchemes"][name] | {"description": ""} == {
        "type": "http",
        "scheme": "bearer",
        "description": "",
    }
    api = {p: ops for p, ops in spec["paths"].items() if p.startswith("/api/v1/")}
    assert len(api) == 6
    for path, operations in api.items():
        for operation in operations.values():
            assert operation["security"] == [{name: []}], path
            assert "401" in operation["responses"], path
    assert "security" not in spec["paths"]["/healthz"]["get"]


def test_the_schema_documents_every_error_with_one_shape(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    error = {"$ref": "#/components/schemas/ErrorPublic"}

    assert "HTTPValidationError" not in spec["components"]["schemas"]
    for path, operations in spec["paths"].items():
        for operation in operations.values():
            statuses = set(operation["responses"])
            if "{" in path:
                assert {"404", "422"} <= statuses, path
            for status, response in operation["responses"].items():
                if status.startswith("4"):
                    content = response["content"]["application/json"]
                    assert content["schema"] == error, (path, status)
                    assert content["example"]["detail"], (path, status)
    headers = spec["paths"]["/api/v1/organisations"]["get"]["responses"]["401"]["headers"]
    assert "WWW-Authenticate" in headers
