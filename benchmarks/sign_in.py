"""Sign-in time for an unknown email and for a known one with a wrong password.

Run: .venv/bin/python benchmarks/sign_in.py
Prints figures; it asserts nothing. Uses a throw-away data folder. The two means should be
close: a gap would tell an attacker which emails have accounts. Attempts are interleaved and
their counts cleared between rounds, so the sign-in limit never answers first.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from fastapi.testclient import TestClient  # noqa: E402
from sqlalchemy import delete  # noqa: E402

from app.config import load_settings  # noqa: E402
from app.db.models import LoginAttempt  # noqa: E402
from app.demo import DEMO_CONSULTANT, reset_demo_consultant  # noqa: E402
from app.main import create_app  # noqa: E402
from benchmarks.demo import demo_assessment  # noqa: E402

ROUNDS = 40
EMAILS = {"unknown email": "nobody@example.test", "wrong password": DEMO_CONSULTANT}


def _post(client: TestClient, email: str, token: str) -> float:
    started = time.perf_counter()
    response = client.post(
        "/login", data={"email": email, "password": "not the password", "csrf_token": token}
    )
    assert response.status_code == 401, response.status_code
    return time.perf_counter() - started


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        with demo_assessment(Path(folder)) as (session, _):
            reset_demo_consultant(session)
            session.commit()
            app = create_app(load_settings(data_dir=Path(folder)))
            times: dict[str, list[float]] = {name: [] for name in EMAILS}
            with TestClient(app) as client:
                page = client.get("/login").text
                token = page.split('name="csrf-token" content="')[1].split('"')[0]
                for _ in range(ROUNDS):
                    for name, email in EMAILS.items():
                        times[name].append(_post(client, email, token))
                    session.exec(delete(LoginAttempt))
                    session.commit()
    for name, seconds in times.items():
        print(
            f"{name:15} mean {statistics.mean(seconds) * 1000:6.1f} ms, "
            f"median {statistics.median(seconds) * 1000:6.1f} ms ({ROUNDS} sign-ins)"
        )


if __name__ == "__main__":
    main()
