"""No invite link in the logs: a real `gapwise serve` and its log, and the filter on its own."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx2
import pytest
from sqlmodel import Session, select

from app.db import accounts
from app.db.engine import make_engine
from app.db.models import Participant
from app.logs import REDACTED, RedactInviteLinks, redacted
from tests.servers import LiveServer, demo_server


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, demo_template: str) -> Iterator[LiveServer]:
    with demo_server(tmp_path_factory.mktemp("logs"), template=demo_template) as live:
        yield live


def _invite(server: LiveServer) -> str:
    engine = make_engine(server.database_url)
    with Session(engine) as session:
        participant = session.exec(select(Participant)).first()
        secret = accounts.issue_invite(session=session, participant=participant)
        session.commit()
    engine.dispose()
    return secret


def test_the_access_log_shows_no_invite_link(server: LiveServer) -> None:
    secret = _invite(server)
    paths = [
        f"/p/{secret}",
        f"/p/{secret}/areas/leadership-direction",
        f"/p/{secret}/review?from=email",
        "/p/not-a-real-link-but-still-hidden",
    ]

    statuses = [httpx2.get(server.url + path, timeout=30).status_code for path in paths]

    assert statuses == [200, 200, 200, 404]
    log = server.log.read_text()
    assert secret not in log and "not-a-real-link" not in log
    assert f'"GET {REDACTED}/areas/leadership-direction HTTP/1.1" 200' in log
    assert f'"GET {REDACTED}/review?from=email HTTP/1.1" 200' in log


def test_the_filter_rewrites_arguments_messages_and_tracebacks(tmp_path: Path) -> None:
    try:
        raise ValueError("failed on /p/SECRET-1/areas/x")
    except ValueError:
        record = logging.makeLogRecord(
            {"msg": "on %s %s", "args": ("GET", "/p/SECRET-2/answers"), "exc_info": True}
        )
        record.exc_info = sys.exc_info()
    handler = logging.FileHandler(tmp_path / "log")
    handler.addFilter(RedactInviteLinks())
    handler.handle(record)
    handler.close()

    written = (tmp_path / "log").read_text()
    assert "SECRET" not in written
    assert f"on GET {REDACTED}/answers" in written and f"failed on {REDACTED}/areas/x" in written


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("/p/abc", REDACTED),
        ('"GET /p/a-b_c/areas/x?y=1 HTTP/1.1"', f'"GET {REDACTED}/areas/x?y=1 HTTP/1.1"'),
        ("/api/v1/p", "/api/v1/p"),
        ("/assessments/1/participants/2/invite", "/assessments/1/participants/2/invite"),
    ],
)
def test_redacted(line: str, expected: str) -> None:
    assert redacted(line) == expected
