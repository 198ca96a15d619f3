"""The API's contract changes only on purpose: the OpenAPI schema must equal the committed
snapshot, tests/web/openapi.json.

After a deliberate change to the API, refresh the snapshot and review its diff:

    UPDATE_OPENAPI_SNAPSHOT=1 .venv/bin/pytest tests/web/test_openapi.py

then `git diff tests/web/openapi.json` shows the contract change to its reviewers. (The
variable is not a GAPWISE_ one: the tests clear those.)
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from fastapi.testclient import TestClient

from tests.web.test_isolation import flatten

SNAPSHOT = Path(__file__).parent / "openapi.json"


def test_the_openapi_schema_matches_the_committed_snapshot(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    if os.environ.get("UPDATE_OPENAPI_SNAPSHOT") == "1":
        SNAPSHOT.write_text(json.dumps(schema, indent=2, sort_keys=True) + "\n")

    assert schema == json.loads(SNAPSHOT.read_text()), (
        "The API's contract changed. If that is on purpose, refresh the snapshot as this "
        "test's docstring says, and let the diff be reviewed."
    )


def test_the_api_answers_with_its_own_models_only(client: TestClient) -> None:
    """Every schema the API exposes is one of its own *Public models (the error body too), so
    renaming a field of a domain object cannot change the API by accident."""
    schemas = client.get("/openapi.json").json()["components"]["schemas"]

    assert [name for name in schemas if not name.endswith("Public")] == []


def test_route_names_are_unique_across_the_app(client: TestClient) -> None:
    """url_for('name') must not depend on which router was included first."""
    names = [route.name for route in flatten(client.app.routes) if hasattr(route, "name")]

    assert [name for name in set(names) if names.count(name) > 1] == []
