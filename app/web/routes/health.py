"""Liveness for load balancers and uptime checks."""

from __future__ import annotations

from fastapi.responses import JSONResponse
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from app.web.deps import SessionDep
from app.web.transactions import site_router

router = site_router(tags=["health"])


@router.get(
    "/healthz",
    summary="Whether the server and its database answer",
    responses={503: {"description": "The database does not answer a query."}},
)
def check_health(session: SessionDep) -> JSONResponse:
    """200 when the database answers a query, 503 otherwise."""
    try:
        session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        return JSONResponse({"status": "error", "database": "unreachable"}, status_code=503)
    return JSONResponse({"status": "ok", "database": "ok"})
