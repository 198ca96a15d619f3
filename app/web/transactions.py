"""One unit of work per request: every route commits once, after it succeeds, or rolls back.

Routers are built with `route_class=UnitOfWorkRoute`. It wraps each endpoint so that the
request's session (the one `SessionDep` hands to the route and to every dependency) is
committed right after the endpoint returns, in the same thread, before FastAPI sends the
response: a client never sees a 303 for data that is not stored yet. An exception rolls
everything back, the audit line with the change it describes. The one plain Starlette route
(the autosave, outside FastAPI's dependencies for speed) commits the same way through
`unit_of_work`.

Why not commit after the `yield` of the session dependency: that code runs after another
thread hop, and on SQLite the write lock, taken at the first write, is held until the commit;
every other writer would wait through that hop too. Here the commit follows the last write
in the thread that made it, exactly as when routes called `session.commit()` themselves.

On an exception the session is closed, not rolled back: closing rolls the transaction back
too, and leaves the objects it loaded readable (a rollback would expire them) for the error
page, which still shows who is signed in.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from fastapi import APIRouter, Depends, Request, params
from fastapi.responses import HTMLResponse
from fastapi.routing import APIRoute
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from app.db import repository
from app.web.csrf import verify_csrf
from app.web.deps import ON_CHANGE, SessionDep, request_session

UNIT_OF_WORK = "unit_of_work_session"  # the hidden parameter that receives the session
AFTER_COMMIT = "gapwise_after_commit"  # callbacks kept in the session's info


def after_commit(session: Session, callback: Callable[[], None]) -> None:
    """Run `callback` once the request's changes are committed, before the response leaves
    (sending email: never while the database is locked, never for a change that failed)."""
    session.info.setdefault(AFTER_COMMIT, []).append(callback)


def _commit(session: Session) -> None:
    session.commit()
    for callback in session.info.pop(AFTER_COMMIT, []):
        callback()
    changed = session.info.pop(repository.CHANGED, None)
    notify = session.info.get(ON_CHANGE)
    if changed and notify is not None:
        notify(changed)  # app/web/warming.py: recompute them shortly


def _forget_changes(session: Session) -> None:
    session.info.pop(AFTER_COMMIT, None)
    session.info.pop(repository.CHANGED, None)


@contextmanager
def unit_of_work(request: Request) -> Iterator[Session]:
    """The request's session for a route that takes no dependencies (the save): committed once
    when the block succeeds, closed (so rolled back) when it raises, as `committing` does.
    On PostgreSQL the save runs in autocommit (engine.one_statement_at_a_time): its one
    write is its last statement, so nothing after it can fail and need undoing."""
    with request_session(request) as session:
        try:
            yield session
        except BaseException:
            _forget_changes(session)
            raise
        _commit(session)


def committing(endpoint: Callable[..., Any]) -> Callable[..., Any]:
    """The endpoint, committing the request's session once it returns (rolling back if not)."""
    if inspect.iscoroutinefunction(endpoint):

        @functools.wraps(endpoint)
        async def run_async(*args: Any, **kwargs: Any) -> Any:
            session = kwargs.pop(UNIT_OF_WORK)
            try:
                result = await endpoint(*args, **kwargs)
            except BaseException:
                _forget_changes(session)
                session.close()  # rolls back, and leaves loaded objects readable
                raise
            await run_in_threadpool(_commit, session)  # never wait for a lock on the event loop
            return result

        wrapper: Callable[..., Any] = run_async
    else:

        @functools.wraps(endpoint)
        def run(*args: Any, **kwargs: Any) -> Any:
            session = kwargs.pop(UNIT_OF_WORK)
            try:
                result = endpoint(*args, **kwargs)
            except BaseException:
                _forget_changes(session)
                session.close()  # rolls back, and leaves loaded objects readable
                raise
            _commit(session)
            return result

        wrapper = run
    signature = inspect.signature(endpoint)
    hidden = inspect.Parameter(UNIT_OF_WORK, inspect.Parameter.KEYWORD_ONLY, annotation=SessionDep)
    wrapper.__signature__ = signature.replace(  # type: ignore[attr-defined]
        parameters=[*signature.parameters.values(), hidden]
    )
    return wrapper


class UnitOfWorkRoute(APIRoute):
    """An API route whose endpoint commits the request's session once, on success."""

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        super().__init__(path, committing(endpoint), **kwargs)


def site_router(*, dependencies: Sequence[params.Depends] = (), **options: Any) -> APIRouter:
    """A router of Gapwise: each endpoint commits once (UnitOfWorkRoute), and each route first
    refuses an unsafe browser request without its CSRF token (`verify_csrf`), then checks the
    router's own `dependencies`. Every route comes from such a router: app/main.py adds the
    routes themselves to each app, so nothing app-wide is added to them there."""
    return APIRouter(
        route_class=UnitOfWorkRoute,
        dependencies=[Depends(verify_csrf), *dependencies],
        **options,
    )


def page_router(**options: Any) -> APIRouter:
    """A router for server-rendered pages: HTML by default, left out of the API schema."""
    return site_router(default_response_class=HTMLResponse, include_in_schema=False, **options)
