"""Every error becomes a clear message: JSON for the API, a page for people, never a trace.

Every JSON error has one shape, `ErrorPublic`: `detail` in words for people, and `errors` naming
each refused field (422 only). `error_responses` documents it in the OpenAPI schema.
Headers an error carries (`Allow` on 405, `WWW-Authenticate` on 401) are kept.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException

from app.db.repository import ParticipantRemoved
from app.web.deps import ASK_FOR_A_NEW_LINK, LinkNotValid
from app.web.routes.auth import render_login
from app.web.templating import templates

logger = logging.getLogger("gapwise")

_TITLES = {
    401: "Sign in",
    403: "Not allowed",
    404: "Not found",
    405: "Method not allowed",
    409: "Not possible now",
    413: "Too large",
    422: "Check what you sent",
    500: "Server error",
}


class FieldErrorPublic(BaseModel):
    field: str = Field(description="Where: `path.`, `query.` or a body field's path.")
    message: str = Field(description="What is allowed.")


class ErrorPublic(BaseModel):
    """The body of every error response."""

    detail: str = Field(description="What went wrong, in words for people.")
    errors: list[FieldErrorPublic] = Field(
        default_factory=list, description="For 422: each refused field; empty otherwise."
    )


_DOCUMENTED: dict[int, tuple[str, dict[str, Any], dict[str, Any]]] = {
    401: (
        "No API token was sent, or it is not valid. Send `Authorization: Bearer <token>`.",
        {"detail": "The API token is not valid or was revoked.", "errors": []},
        {"WWW-Authenticate": {"description": "`Bearer`", "schema": {"type": "string"}}},
    ),
    404: (
        "Nothing at this address, or nothing the token's owner may see (the two look alike).",
        {
            "detail": "There is nothing at this address, or you do not have access to it.",
            "errors": [],
        },
        {},
    ),
    422: (
        "A parameter is not allowed; `errors` names each one and what is allowed.",
        {
            "detail": "Assessment id: must be at least 1.",
            "errors": [
                {
                    "field": "path.assessment_id",
                    "message": "Input should be greater than or equal to 1",
                }
            ],
        },
        {},
    ),
}


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` entries for these statuses: the one error shape, with an example."""
    documented: dict[int | str, dict[str, Any]] = {}
    for status in statuses:
        description, example, headers = _DOCUMENTED[status]
        documented[status] = {
            "model": ErrorPublic,
            "description": description,
            "content": {"application/json": {"example": example}},
            **({"headers": headers} if headers else {}),
        }
    return documented


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(ParticipantRemoved, _participant_removed)
    app.add_exception_handler(Exception, _unexpected_error)


def _wants_json(request: Request) -> bool:
    accept = request.headers.get("accept", "")
    return request.url.path.startswith("/api/") or "application/json" in accept


def _respond(
    request: Request,
    status: int,
    message: str,
    *,
    problems: list[FieldErrorPublic] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    if _wants_json(request):
        body = ErrorPublic(detail=message, errors=problems or [])
        return JSONResponse(body.model_dump(), status_code=status, headers=headers)
    context = {"status": status, "title": _TITLES.get(status, "Error"), "message": message}
    return templates.TemplateResponse(
        request, "error.html", context, status_code=status, headers=headers
    )


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 401 and not _wants_json(request):
        return render_login(request, message=str(exc.detail), status=401)
    if isinstance(exc, LinkNotValid) and not _wants_json(request):
        context = {"message": exc.detail, "contact": exc.contact}
        response = templates.TemplateResponse(
            request, "answering/link_not_valid.html", context, status_code=404
        )
        response.headers["X-Robots-Tag"] = "noindex"
        return response
    detail = exc.detail if isinstance(exc.detail, str) else _TITLES.get(exc.status_code, "Error")
    if exc.status_code == 404 and detail == "Not Found":
        detail = "There is no page at this address."
    return _respond(request, exc.status_code, detail, headers=exc.headers)


async def _participant_removed(request: Request, _exc: Exception) -> Response:
    """A save for a participant removed after their link was checked: the link is dead."""
    return await _http_error(request, LinkNotValid(ASK_FOR_A_NEW_LINK))


def _field(error: dict) -> str:
    """The field a validation error is about, as a person reads it: "Target date"."""
    names = [str(p) for p in error.get("loc", ()) if p not in ("body", "query", "form")]
    return (names[-1] if names else "request").replace("_", " ").capitalize()


_BOUNDS = {  # pydantic's error type -> (words, the limit's key in its context)
    "greater_than_equal": ("at least", "ge"),
    "greater_than": ("above", "gt"),
    "less_than_equal": ("at most", "le"),
    "less_than": ("below", "lt"),
}


def _in_words(error: dict) -> str:
    """What is wrong, in plain words; pydantic's own message where it says it well enough."""
    kind, context = error.get("type", ""), error.get("ctx") or {}
    plain = {
        "missing": "this is required",
        "int_parsing": "give a whole number",
        "int_type": "give a whole number",
        "int_from_float": "give a whole number",
        "float_parsing": "give a number",
        "bool_parsing": "answer yes or no",
        "json_invalid": "this is not valid JSON",
        "extra_forbidden": "this field is not expected here",
        "string_type": "give a text",
    }
    if kind in plain:
        return plain[kind]
    if kind == "string_too_long":
        return f"at most {context.get('max_length')} characters"
    if kind == "string_too_short":
        return "this cannot be empty"
    if kind in _BOUNDS:
        words, key = _BOUNDS[kind]
        return f"must be {words} {context.get(key)}"
    if kind in ("enum", "literal_error"):
        return f"choose one of {context.get('expected', 'the listed values')}"
    return str(error.get("msg", "this value is not accepted")).rstrip(".")


def describe_validation_errors(exc: RequestValidationError) -> str:
    """'Title: at most 200 characters. Horizon: give a whole number.' — field, then what to do."""
    return " ".join(f"{_field(error)}: {_in_words(error)}." for error in exc.errors())


def field_problems(exc: RequestValidationError) -> list[FieldErrorPublic]:
    """Which field ('query.paper', or a body field's name), and what is allowed."""
    return [
        FieldErrorPublic(
            field=".".join(str(p) for p in error.get("loc", ()) if p != "body") or "request",
            message=error.get("msg", "invalid value"),
        )
        for error in exc.errors()
    ]


async def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    in_path = any(error.get("loc", ("",))[0] == "path" for error in exc.errors())
    if in_path and not _wants_json(request):
        # A malformed id in a page's address: as absent as any other unknown page. The API
        # names the parameter instead (422), as its schema documents.
        return _respond(request, 404, "There is no page at this address.")
    message = describe_validation_errors(exc)
    return _respond(request, 422, message, problems=field_problems(exc))


async def _unexpected_error(request: Request, exc: Exception) -> Response:
    logger.exception("unexpected error on %s %s", request.method, request.url.path)
    return _respond(request, 500, "Something went wrong on our side; nothing was changed.")
