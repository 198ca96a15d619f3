"""The API fuzzed from its own OpenAPI schema by schemathesis, against a real uvicorn server.

Every check schemathesis has (no server error, documented status codes, content types and
headers, responses matching the schema, bad input refused, good input accepted, Allow on
405, authentication not ignored...), on the demo's data, with a consultant's API token.
Bounded: a fixed number of cases per operation and a fixed seed, so a run is reproducible
and takes well under a minute; the seed is in the output to replay a failure.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.servers import demo_server, environment

SCHEMATHESIS = Path(sys.executable).parent / "schemathesis"
MAX_EXAMPLES = 20
SEED = 13


def _api_token(data_dir: Path, email: str) -> str:
    made = subprocess.run(
        [sys.executable, "-m", "app.cli", "create-token", "--email", email, "--name", "fuzzer"],
        env=environment(data_dir),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return made.stdout.split()[-1]


def test_the_api_passes_every_schemathesis_check(tmp_path: Path, demo_template: str) -> None:
    with demo_server(tmp_path / "data", template=demo_template) as server:
        token = _api_token(server.data_dir, server.demo_email)
        run = subprocess.run(
            [
                str(SCHEMATHESIS),
                "run",
                f"{server.url}/openapi.json",
                "--checks=all",
                f"--header=Authorization: Bearer {token}",
                f"--max-examples={MAX_EXAMPLES}",
                f"--seed={SEED}",
                "--generation-database=none",
                "--request-timeout=60",
                "--no-color",
            ],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=600,
        )
        server_log = server.log.read_text()

    assert run.returncode == 0, run.stdout[-10_000:] + run.stderr[-2_000:]
    assert "No issues found" in run.stdout
    assert " 500 " not in server_log and "Traceback" not in server_log
