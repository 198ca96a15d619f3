"""The API reference, rendered on the server from the app's own OpenAPI schema."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse

from app.web.templating import templates
from app.web.transactions import page_router

router = page_router()

METHODS = ("get", "post", "put", "patch", "delete")
UNTAGGED = "untagged"
UNTAGGED_DESCRIPTION = (
    "Routes without a tag: mostly the server-rendered pages and the forms they post."
)

Schema = dict[str, Any]


@dataclass(frozen=True)
class Parameter:
    name: str
    location: str
    required: bool
    type: str
    description: str


@dataclass(frozen=True)
class ApiResponse:
    status: str
    description: str
    media_type: str | None
    body: str | None


@dataclass(frozen=True)
class Endpoint:
    anchor: str
    method: str
    path: str
    summary: str
    description: str
    parameters: list[Parameter]
    request_body: str | None
    responses: list[ApiResponse]


@dataclass(frozen=True)
class TagSection:
    anchor: str
    name: str
    description: str
    endpoints: list[Endpoint]


@dataclass(frozen=True)
class ApiDocsPage:
    title: str
    version: str
    description: str
    openapi_url: str
    sections: list[TagSection]


def type_name(schema: Schema) -> str:
    """'string', 'FrameworkListItem', 'FrameworkListItem[]', 'integer | null'."""
    if "$ref" in schema:
        return str(schema["$ref"]).rsplit("/", 1)[-1]
    if schema.get("type") == "array":
        return type_name(schema.get("items", {})) + "[]"
    if "anyOf" in schema or "oneOf" in schema:
        return " | ".join(type_name(s) for s in schema.get("anyOf", schema.get("oneOf", [])))
    return str(schema.get("type", "any"))


def _resolve(spec: Schema, schema: Schema) -> Schema:
    """The component a local $ref points at, or the schema itself."""
    if "$ref" not in schema:
        return schema
    return dict(spec.get("components", {}).get("schemas", {}).get(type_name(schema), {}))


def _parameter(raw: Schema) -> Parameter:
    return Parameter(
        name=raw["name"],
        location=raw["in"],
        required=bool(raw.get("required", False)),
        type=type_name(raw.get("schema", {})),
        description=raw.get("description", ""),
    )


def _body_fields(spec: Schema, media_type: str, schema: Schema) -> list[Parameter]:
    """The top-level fields of a request body, as rows beside the path and query parameters."""
    location = "body" if media_type.endswith("json") else "form"
    model = _resolve(spec, schema)
    required = set(model.get("required", []))
    return [
        Parameter(name, location, name in required, type_name(field), field.get("description", ""))
        for name, field in model.get("properties", {}).items()
    ]


def _request_body(spec: Schema, operation: Schema) -> tuple[str | None, list[Parameter]]:
    """'application/json · AssessmentCreate' and its fields; FastAPI's Body_* names are noise."""
    for media_type, media in operation.get("requestBody", {}).get("content", {}).items():
        schema = media.get("schema", {})
        name = type_name(schema)
        label = media_type if name.startswith("Body_") else f"{media_type} · {name}"
        return label, _body_fields(spec, media_type, schema)
    return None, []


def _response(status: str, raw: Schema) -> ApiResponse:
    """Status, description and the first media type; 'string' adds nothing to text/html."""
    for media_type, media in raw.get("content", {}).items():
        body = type_name(media["schema"]) if media.get("schema") else None
        if media_type.startswith("text/") and body == "string":
            body = None
        return ApiResponse(status, raw.get("description", ""), media_type, body)
    return ApiResponse(status, raw.get("description", ""), None, None)


def _endpoint(spec: Schema, path: str, method: str, operation: Schema) -> Endpoint:
    request_body, body_fields = _request_body(spec, operation)
    return Endpoint(
        anchor=operation.get("operationId", f"{method}-{path}"),
        method=method.upper(),
        path=path,
        summary=operation.get("summary", ""),
        description=operation.get("description", ""),
        parameters=[_parameter(p) for p in operation.get("parameters", [])] + body_fields,
        request_body=request_body,
        responses=[_response(s, r) for s, r in sorted(operation.get("responses", {}).items())],
    )


def _section(spec: Schema, tag: str, endpoints: list[Endpoint]) -> TagSection:
    descriptions = {t["name"]: t.get("description", "") for t in spec.get("tags", [])}
    description = UNTAGGED_DESCRIPTION if tag == UNTAGGED else descriptions.get(tag, "")
    anchor = "tag-" + "-".join(tag.lower().split())
    return TagSection(anchor, tag, description, endpoints)


def build_page(spec: Schema, openapi_url: str) -> ApiDocsPage:
    """Group operations by their first tag, tags in order of first use, untagged last."""
    groups: dict[str, list[Endpoint]] = {}
    for path, item in spec.get("paths", {}).items():
        for method in METHODS:
            if operation := item.get(method):
                tag = (operation.get("tags") or [UNTAGGED])[0]
                groups.setdefault(tag, []).append(_endpoint(spec, path, method, operation))
    if UNTAGGED in groups:
        groups[UNTAGGED] = groups.pop(UNTAGGED)
    info = spec.get("info", {})
    return ApiDocsPage(
        title=info.get("title", "API"),
        version=info.get("version", ""),
        description=info.get("description", ""),
        openapi_url=openapi_url,
        sections=[_section(spec, tag, endpoints) for tag, endpoints in groups.items()],
    )


@router.get("/docs", name="show_api_docs")
def show_api_docs(request: Request) -> HTMLResponse:
    page = build_page(request.app.openapi(), request.app.openapi_url or "/openapi.json")
    return templates.TemplateResponse(request, "docs/index.html", {"page": page})
