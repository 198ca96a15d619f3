"""The gapwise command on real files, in this process (Typer's runner) to save the start of a
Python process per call; the tests marked "a real process" start it as a user does."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

import httpx2
import pytest
from sqlalchemy import Engine
from sqlmodel import Session, func, select
from typer.testing import CliRunner

from app import cli
from app.config import Settings
from app.db.engine import make_engine
from app.db.models import Answer, Assessment, Organisation, Participant, User
from app.demo import DEMO_TEAM
from app.domain.answering import AnswerChoice
from tests.conftest import DATA, QUESTIONNAIRES
from tests.databases import ON_POSTGRES, database_for
from tests.factories import Tenant, mean_today, results_as_viewed, save_in_own_session
from tests.servers import START_TIMEOUT_SECONDS, copy_of_demo, environment, free_port


def gapwise(
    *args: str, data_dir: Path, input: str | None = None, **env: str
) -> subprocess.CompletedProcess[str]:
    """Run a gapwise command in this process, with the environment a real run would have."""
    result = CliRunner().invoke(cli.app, list(args), input=input, env=environment(data_dir, **env))
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception  # a user would see a traceback: the test must fail
    return subprocess.CompletedProcess(args, result.exit_code, result.stdout, result.stderr)


def gapwise_process(*args: str, data_dir: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """Run a gapwise command in a process of its own, as a user does."""
    return subprocess.run(
        [sys.executable, "-m", "app.cli", *args],
        capture_output=True,
        text=True,
        env=environment(data_dir, **env),
        timeout=120,
    )


def test_validate_accepts_the_shipped_questionnaires(tmp_path: Path) -> None:
    files = sorted(str(p) for p in QUESTIONNAIRES.glob("*.yaml"))

    result = gapwise("validate", *files, data_dir=tmp_path)

    assert result.returncode == 0, result.stderr
    assert "reap-blueprint.yaml: ok (14 areas," in result.stdout


def test_validate_complete_passes_the_current_reap_and_names_what_1_0_lacks(
    tmp_path: Path,
) -> None:
    current = gapwise(
        "validate", "--complete", str(QUESTIONNAIRES / "reap-blueprint.yaml"), data_dir=tmp_path
    )
    archived = gapwise(
        "validate", "--complete", str(QUESTIONNAIRES / "reap-blueprint-1.0.yaml"), data_dir=tmp_path
    )

    assert current.returncode == 0, current.stderr
    assert re.search(
        r"ok \(14 areas, (\d+) criteria, \1 with anchors, hint and action\)", current.stdout
    )
    assert archived.returncode == 1
    first = archived.stderr.splitlines()[0]
    assert first.endswith(
        "reap-blueprint-1.0.yaml: layers[0].areas[0].criteria[0]: 'ld-customer-strategy' has no "
        "anchors, hint, action (--complete asks for all three)"
    )
    assert len(archived.stderr.splitlines()) == 98


def test_validate_rejects_a_broken_copy_with_a_precise_message(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    text = (QUESTIONNAIRES / "reap-blueprint.yaml").read_text()
    broken.write_text(text.replace("id: enabling", "id: foundations", 1))

    result = gapwise("validate", str(broken), data_dir=tmp_path)

    line = text.splitlines().index("  - id: enabling") + 1
    assert result.returncode == 1
    assert result.stderr.strip() == (
        f"{broken}:{line}: layers[1].id: duplicate id 'foundations' (first used at layers[0].id)"
    )


def test_validate_lists_every_problem_of_a_file_in_one_run(tmp_path: Path) -> None:
    broken = DATA / "library-broken.yaml"

    result = gapwise("validate", str(broken), data_dir=tmp_path)

    lines = result.stderr.strip().splitlines()
    assert result.returncode == 1
    assert [line.split(": ")[0] for line in lines] == [
        f"{broken}:{n}" for n in (4, 10, 14, 19, 21, 26, 28, 29, 31)
    ]
    assert "YAML reads an unquoted No as false" in lines[2]


def test_help_speaks_of_any_framework(tmp_path: Path) -> None:
    result = gapwise("--help", data_dir=tmp_path)

    assert "any framework" in result.stdout and "REAP" not in result.stdout


def test_migrate_refuses_a_changed_file_that_kept_its_version(tmp_path: Path) -> None:
    folder = tmp_path / "questionnaires"
    folder.mkdir()
    mini = (DATA / "mini-framework.yaml").read_text()
    (folder / "mini.yaml").write_text(mini)
    assert (
        gapwise("migrate", data_dir=tmp_path, GAPWISE_QUESTIONNAIRES_DIR=str(folder)).returncode
        == 0
    )
    (folder / "mini.yaml").write_text(mini.replace("One view of each customer.", "One view."))

    result = gapwise("migrate", data_dir=tmp_path, GAPWISE_QUESTIONNAIRES_DIR=str(folder))

    assert result.returncode == 1
    assert (
        f"{folder}/mini.yaml: version: version 1 of 'mini' is already stored with different "
        "content; give the changed file a new version"
    ) in result.stderr


def test_invalid_setting_stops_with_one_line_in_a_real_process(tmp_path: Path) -> None:
    result = gapwise_process("migrate", data_dir=tmp_path, GAPWISE_BASE_URL="nowhere")

    assert result.returncode == 2
    assert result.stderr.startswith("gapwise: invalid setting GAPWISE_BASE_URL:")
    assert len(result.stderr.strip().splitlines()) == 1


def test_migrate_refuses_a_broken_questionnaire_folder(tmp_path: Path) -> None:
    folder = tmp_path / "questionnaires"
    folder.mkdir()
    (folder / "bad.yaml").write_text("id: bad\n")

    result = gapwise("migrate", data_dir=tmp_path, GAPWISE_QUESTIONNAIRES_DIR=str(folder))

    assert result.returncode == 1
    assert f"{folder}/bad.yaml:1: version: missing field" in result.stderr


def test_demo_is_created_once_with_answers_from_every_participant(tmp_path: Path) -> None:
    first = gapwise("demo", data_dir=tmp_path)
    second = gapwise("demo", data_dir=tmp_path)

    assert first.returncode == 0, first.stderr
    assert "Demo workspace created." in first.stdout
    assert "Demo workspace already exists." in second.stdout
    engine = make_engine(database_for(tmp_path))
    with Session(engine) as session:
        counts = [
            session.exec(select(func.count()).select_from(t)).one()
            for t in (Organisation, Assessment, Participant)
        ]
        answering = session.exec(select(func.count(func.distinct(Answer.participant_id)))).one()
    engine.dispose()
    assert counts == [1, 1, len(DEMO_TEAM)]
    assert answering == len(DEMO_TEAM)


def test_create_admin_reads_the_password_from_stdin_and_refuses_short_ones(tmp_path: Path) -> None:
    def create(password: str):
        return gapwise(
            "create-admin", "--email", "Boss@Example.com", input=password + "\n", data_dir=tmp_path
        )

    short = create("short")
    made = create("a long enough password")
    again = create("a long enough password")

    assert short.returncode == 2 and "password: use at least 12 characters" in short.stderr
    assert made.returncode == 0 and "Created admin boss@example.com." in made.stdout
    assert again.returncode == 2 and "already exists" in again.stderr


def test_names_given_to_the_cli_follow_the_forms_rules(tmp_path: Path) -> None:
    def create(name: str):
        return subprocess.run(
            [sys.executable, "-m", "app.cli", "create-user", "--email", "a@x.test", "--name", name],
            input="a long enough password\n",
            capture_output=True,
            text=True,
            env=environment(tmp_path),
            timeout=120,
        )

    too_long = create("x" * 201)
    made = create(" Ann\x07 Lee\x1b ")

    assert too_long.returncode == 2
    assert too_long.stderr == "gapwise: name: at most 200 characters\n"
    assert made.returncode == 0, made.stderr
    engine = make_engine(database_for(tmp_path))
    with Session(engine) as session:
        assert session.exec(select(User.name)).all() == ["Ann Lee"]
    engine.dispose()


def test_an_assessment_id_the_database_cannot_hold_is_one_line_not_a_traceback(
    tmp_path: Path,
) -> None:
    result = gapwise("export", str(2**31), "--format", "csv", "-o", "x.csv", data_dir=tmp_path)

    assert result.returncode == 2
    assert result.stderr == f"gapwise: assessment: no assessment with id {2**31}\n"


def test_create_token_prints_a_token_once(tmp_path: Path, demo_template: str) -> None:
    copy_of_demo(tmp_path, demo_template)

    result = gapwise(
        "create-token", "--email", "consultant@demo.gapwise.invalid", data_dir=tmp_path
    )
    unknown = gapwise("create-token", "--email", "nobody@x.test", data_dir=tmp_path)

    assert result.returncode == 0
    assert result.stdout.strip().splitlines()[-1].startswith("gw_")
    assert unknown.returncode == 2 and "no account for nobody@x.test" in unknown.stderr


def test_demo_prints_fresh_credentials_each_time(tmp_path: Path) -> None:
    first = gapwise("demo", data_dir=tmp_path).stdout
    second = gapwise("demo", data_dir=tmp_path).stdout

    assert "Sign in at /login as consultant@demo.gapwise.invalid with password: " in first
    assert first.splitlines()[-1] != second.splitlines()[-1]


@pytest.mark.sqlite_only
def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path: Path) -> None:
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database at all" * 100)

    result = gapwise("restore", str(junk), data_dir=tmp_path / "data")

    assert result.returncode == 2 and "not a Gapwise backup" in result.stderr


@pytest.mark.sqlite_only
def test_data_restored_over_newer_data_is_never_shown_what_was_kept_of_the_newer(
    settings: Settings, engine: Engine, tenants: tuple[Tenant, Tenant], tmp_path: Path
) -> None:
    """Results stay in a server's memory by data version. Backed up, changed (and viewed),
    restored over, then changed again: the restored data must not meet the version under
    which the replaced data's results were kept."""
    acme, backup = tenants[0], tmp_path / "backup.db"
    assert gapwise("backup", str(backup), data_dir=settings.data_dir).returncode == 0
    _change_then_view(engine, acme, current=4)  # kept in memory, at the backup's version + 1

    engine.dispose()
    restored = gapwise("restore", "--replace", str(backup), data_dir=settings.data_dir)

    assert restored.returncode == 0, restored.stderr
    assert _change_then_view(engine, acme, current=2) == 2


def _change_then_view(engine: Engine, tenant: Tenant, *, current: int) -> float:
    """One answer changed, then the results as a view reads them: that criterion's mean."""
    criterion = "cm-cross-channel-ownership"
    save_in_own_session(engine, tenant.participant.id, AnswerChoice(criterion, current, 5))
    return mean_today(results_as_viewed(engine, tenant.assessment.id), criterion)


def test_backup_points_postgresql_users_to_pg_dump(tmp_path: Path) -> None:
    result = gapwise(
        "backup",
        str(tmp_path / "b.db"),
        data_dir=tmp_path,
        GAPWISE_DATABASE_URL="postgresql+psycopg://gapwise@127.0.0.1/gapwise",
    )

    assert result.returncode == 2 and "pg_dump" in result.stderr


def test_serve_with_several_workers_answers_health_checks(tmp_path: Path) -> None:
    port = free_port()
    command = [sys.executable, "-m", "app.cli", "serve", "--port", str(port), "--workers", "2"]
    server = subprocess.Popen(
        command, env=environment(tmp_path), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        answers = []
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while len(answers) < 10 and time.monotonic() < deadline:
            try:
                answers.append(
                    httpx2.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code
                )
            except httpx2.TransportError:
                time.sleep(0.3)
        assert answers == [200] * 10
    finally:
        server.terminate()
        server.wait(timeout=20)
        if server.stderr:
            server.stderr.close()


def test_validate_compares_with_the_versions_stored_in_the_database(tmp_path: Path) -> None:
    folder = tmp_path / "questionnaires"
    folder.mkdir()
    mini = (DATA / "mini-framework.yaml").read_text()
    (folder / "mini.yaml").write_text(mini)
    changed = tmp_path / "mini-changed.yaml"
    changed.write_text(mini.replace("One view of each customer.", "One view."))
    before = gapwise("validate", str(changed), data_dir=tmp_path)  # no database yet
    assert ON_POSTGRES or not (tmp_path / "gapwise.db").exists()  # looking creates nothing
    assert (
        gapwise("migrate", data_dir=tmp_path, GAPWISE_QUESTIONNAIRES_DIR=str(folder)).returncode
        == 0
    )

    after = gapwise("validate", str(changed), str(folder / "mini.yaml"), data_dir=tmp_path)

    assert before.returncode == 0, before.stderr
    assert after.returncode == 1
    assert after.stderr.strip() == (
        f"{changed}: version: version 1 of 'mini' is already stored with different content; "
        "give the changed file a new version"
    )
    assert f"{folder / 'mini.yaml'}: ok" in after.stdout


@pytest.mark.parametrize("command", ["report", "deck", "export"])
def test_prepared_by_follows_the_text_rule_in_every_command_that_takes_it(
    tmp_path: Path, command: str, demo_template: str
) -> None:
    copy_of_demo(tmp_path, demo_template)
    fmt = ["--format", "pptx"] if command == "export" else []

    output = str(tmp_path / "x")
    nul = gapwise(command, "1", *fmt, "-o", output, "--prepared-by", "a\x00b", data_dir=tmp_path)

    assert nul.returncode == 2
    assert nul.stderr == "gapwise: prepared-by: must not contain NUL characters\n"


def test_serve_forgets_the_outputs_kept_by_data_version_before_it_starts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    kept = tmp_path / "cache" / "assessment-3" / "report-A4-ab12.pdf.0f3c"
    stashed = tmp_path / "imports" / "organisation-1" / "upload.json"  # not kept by version
    for path in (kept, stashed):
        path.parent.mkdir(parents=True)
        path.write_bytes(b"x")
    monkeypatch.setattr(cli.uvicorn, "run", lambda app, **options: None)
    monkeypatch.setenv("GAPWISE_BASE_URL", "http://127.0.0.1:8000")  # serve sets it: undone after

    result = gapwise("serve", data_dir=tmp_path)

    assert result.returncode == 0, result.stderr
    assert not kept.parent.exists()  # a restore may have put the database back in time
    assert stashed.exists() and (tmp_path / "cache").exists()


def test_serve_does_not_start_when_it_cannot_forget_the_kept_outputs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    kept = tmp_path / "cache" / "assessment-3"
    kept.mkdir(parents=True)

    def refused(path: Path) -> None:
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(cli.uvicorn, "run", lambda app, **options: pytest.fail("served"))
    monkeypatch.setattr("app.reports.cache.shutil.rmtree", refused)
    monkeypatch.setenv("GAPWISE_BASE_URL", "http://127.0.0.1:8000")

    result = gapwise("serve", data_dir=tmp_path)

    assert result.returncode == 1
    assert result.stderr == (
        f"gapwise: {kept}: cannot remove the outputs kept there (Permission denied); "
        "remove that folder, then start again\n"
    )
