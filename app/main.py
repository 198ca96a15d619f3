"""The web application: create_app() wires settings, database, pages and API."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from anyio import CapacityLimiter, to_thread
from fastapi import APIRouter, FastAPI
from fastapi.staticfiles import StaticFiles

from app.config import PROJECT_ROOT, Settings, get_settings
from app.db.engine import make_engine, saves_at_once, saves_on_the_event_loop
from app.reports import worker
from app.web.collector import tune_for_serving
from app.web.csrf import CsrfCookieMiddleware
from app.web.errors import install_error_handlers
from app.web.feedback import FlashClearingMiddleware
from app.web.limits import BodyLimitMiddleware
from app.web.routes import (
    account,
    admin,
    answering,
    api,
    assessments,
    auth,
    branding,
    docs,
    exports,
    frameworks,
    health,
    invitations,
    organisations,
    pages,
    participants,
    reports,
    results,
    roadmap,
    upgrades,
    workshop,
    workshop_present,
    workshop_vote,
)
from app.web.security import install_security_headers
from app.web.warming import background_work

DESCRIPTION = (
    "Gapwise measures an organisation's capability against a maturity framework, current and "
    "target, and turns the gap into a roadmap."
)


def _add_routes(app: FastAPI, router: APIRouter) -> None:
    """The router's routes, as built when its module was imported, shared by every app.

    `include_router` would have FastAPI analyse every route's dependencies again for each app
    (lazily, on its first requests: about 0.3 s of the first request a worker serves, and
    of every test, which makes an app of its own). The routers already hold everything an
    app would add: each route commits once and checks CSRF first (`site_router`; the one
    plain route, the autosave, does both itself). What an
    included router would also have taken from the app is not used here: the app's own
    dependencies, responses or tags, and `app.dependency_overrides` (routes built this way
    do not consult it; no test relies on it)."""
    app.router.routes.extend(router.routes)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    engine = make_engine(settings.sqlalchemy_url, connections=settings.threads)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        # Sync routes run in anyio's thread pool; the pool above has a connection per thread.
        to_thread.current_default_thread_limiter().total_tokens = settings.threads
        tune_for_serving()
        worker.prepare_worker()  # the first report then waits for no imports
        background = background_work(engine, settings) if settings.warm_results else None
        _app.state.background = background
        if background is not None:
            background.start()
        yield
        if background is not None:
            background.stop()
        worker.discard_worker()
        engine.dispose()

    app = FastAPI(
        title="Gapwise",
        description=DESCRIPTION,
        version="0.1.0",
        lifespan=lifespan,
        docs_url=None,  # FastAPI's own pages load Swagger UI from a CDN; ours is routes/docs.py
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.engine = engine
    at_once = saves_at_once(engine)
    app.state.saving = CapacityLimiter(at_once) if at_once else None  # None: the thread pool's
    app.state.saves_on_the_event_loop = saves_on_the_event_loop(engine)
    app.mount("/static", StaticFiles(directory=PROJECT_ROOT / "static"), name="static")
    app.mount(docs.ASSETS_PATH, StaticFiles(directory=docs.SWAGGER_UI), name="api_docs_assets")
    # Routes are matched in this order. Answering first: a workshop's saves are most of the
    # requests, and its paths (under /p/) are nobody else's.
    routers = (
        answering,
        pages,
        frameworks,
        auth,
        organisations,
        assessments,
        upgrades,
        participants,
        invitations,
        results,
        roadmap,
        reports,
        exports,
        workshop,
        workshop_present,
        workshop_vote,
        account,
        admin,
        branding,
        api,
        health,
        docs,
    )
    for module in routers:
        _add_routes(app, module.router)
    app.add_middleware(FlashClearingMiddleware)
    app.add_middleware(CsrfCookieMiddleware, secure=settings.base_url.scheme == "https")
    app.add_middleware(BodyLimitMiddleware)
    install_error_handlers(app)
    install_security_headers(app, settings)
    return app
