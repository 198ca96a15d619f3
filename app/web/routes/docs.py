"""The API reference: Swagger UI on a page of the site, reading the app's own OpenAPI schema.

Swagger UI's files come from the fastapi-offline package (PyPI) and are served from here,
never from a CDN. A signed-in user can try every call (the browser sends their session);
a script's Bearer token can be entered with "Authorize".
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from fastapi import Request
from fastapi.responses import HTMLResponse

from app.web.deps import OptionalUser
from app.web.templating import templates
from app.web.transactions import page_router

router = page_router()

SWAGGER_UI = Path(str(files("fastapi_offline") / "static"))  # swagger-ui-bundle.js and .css
ASSETS_PATH = "/docs/assets"


@router.get("/docs", name="show_api_docs")
def show_api_docs(request: Request, user: OptionalUser) -> HTMLResponse:
    """`user` only so that the header shows who is signed in."""
    openapi_url = request.app.openapi_url or "/openapi.json"
    return templates.TemplateResponse(request, "docs/index.html", {"openapi_url": openapi_url})
