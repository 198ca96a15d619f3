"""The `gapwise` command."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
import uvicorn
from pydantic import TypeAdapter, ValidationError
from sqlalchemy import inspect, make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from app.auth.secrets import MIN_PASSWORD_LENGTH
from app.config import Settings, SettingsError, load_settings, served_base_url
from app.db import accounts, repository
from app.db.engine import make_engine, session_scope
from app.db.migrations import migrate as apply_migrations
from app.db.models import MAX_ID, Assessment, Role
from app.domain.loading import (
    FrameworkFileError,
    Problem,
    completeness_problems,
    load_framework,
)
from app.domain.text import Email, OptionalName, TokenName

# Seconds a stopping server waits for open requests; live workshop streams never end by
# themselves, and phones reconnect to another worker (or the restarted one) on their own.
GRACE = 5
T = TypeVar("T")
IMAGE_FORMATS = ("svg", "png")

app = typer.Typer(
    help="Gapwise: maturity assessments against any framework, gaps and roadmaps.",
    no_args_is_help=True,
)


def _settings() -> Settings:
    try:
        return load_settings()
    except SettingsError as exc:
        typer.echo(f"gapwise: {exc}", err=True)
        raise typer.Exit(2) from None


def _checked(field: str, value: str, rule: Any) -> str:
    """The value as the forms would keep it, or a one-line message naming the option, exit 2."""
    try:
        checked: str = TypeAdapter(rule).validate_python(value)
    except ValidationError as exc:
        typer.echo(f"gapwise: {field}: {exc.errors()[0]['msg']}", err=True)
        raise typer.Exit(2) from None
    return checked


def _prepare_database(settings: Settings) -> None:
    """Apply migrations, then load every questionnaire file (a broken one stops here)."""
    engine = make_engine(settings.sqlalchemy_url)
    try:
        apply_migrations(engine)
        with session_scope(engine) as session:
            snapshots = repository.store_questionnaires(
                session=session, directory=settings.questionnaires_dir
            )
            loaded = ", ".join(f"{s.framework_key} {s.version}" for s in snapshots)
    except FrameworkFileError as exc:
        typer.echo(f"gapwise: a questionnaire file is invalid:\n{exc}", err=True)
        raise typer.Exit(1) from None
    finally:
        engine.dispose()
    typer.echo(f"Database ready; frameworks loaded: {loaded or 'none'}.")


@app.command()
def migrate() -> None:
    """Bring the database schema up to date and load the questionnaires."""
    _prepare_database(_settings())


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(min=1, help="Worker processes.")] = 1,
) -> None:
    """Migrate, load the questionnaires, and serve the web app."""
    from app.logs import log_config
    from app.main import create_app
    from app.reports.cache import forget_kept_outputs

    settings, note = served_base_url(_settings(), host, port)
    _prepare_database(settings)
    try:  # a restore may have put the data back in time
        forget_kept_outputs(settings.data_dir)
    except OSError as problem:
        typer.echo(
            f"gapwise: {problem.filename}: cannot remove the outputs kept there "
            f"({problem.strerror}); remove that folder, then start again",
            err=True,
        )
        raise typer.Exit(1) from None
    if note:
        typer.echo(note)
    # Worker processes read the environment: hand them the base URL decided here.
    os.environ["GAPWISE_BASE_URL"] = settings.base_url_text
    options: dict[str, Any] = {
        "host": host,
        "port": port,
        "log_config": log_config(),
        # The client address (sign-in limits, audit) comes from X-Forwarded-For only when the
        # connection comes from a proxy named in GAPWISE_TRUSTED_PROXIES; uvicorn's default
        # would believe any local process.
        "proxy_headers": bool(settings.trusted_proxies),
        "forwarded_allow_ips": settings.trusted_proxies or "",
        "timeout_graceful_shutdown": GRACE,
        "http": "app.web.http_protocol:NoDelayHTTPProtocol",  # no 40 ms waits with --workers
    }
    if workers == 1:
        uvicorn.run(create_app(settings), **options)
    else:  # each worker process builds its own app from the same environment
        uvicorn.run("app.main:create_app", factory=True, workers=workers, **options)


@contextmanager
def _stored_frameworks() -> Iterator[Session | None]:
    """A read-only look at the configured database's frameworks; None when there is none yet."""
    try:
        settings = load_settings()
    except SettingsError:
        yield None  # checking files needs no settings; comparing them does
        return
    url = make_url(settings.sqlalchemy_url)
    if url.get_backend_name() == "sqlite" and not Path(url.database or "").is_file():
        yield None  # never create a database file just to look into it
        return
    engine = make_engine(settings.sqlalchemy_url)
    try:
        with engine.connect() as connection:
            has_table = inspect(connection).has_table("framework_snapshot")
    except SQLAlchemyError:
        has_table = False
    try:
        if not has_table:
            yield None
            return
        with Session(engine) as session:
            yield session
    finally:
        engine.dispose()


def _check(path: Path, stored: Session | None, *, complete: bool) -> tuple[str, list[Problem]]:
    """One file's summary line and, with `complete`, the criteria lacking help; a file that
    cannot be used raises FrameworkFileError listing what is wrong with it."""
    framework = load_framework(path)
    if stored is not None:  # a changed file must not reuse a stored version number
        repository.stored_version(session=stored, framework=framework, source=str(path))
    lacking = completeness_problems(framework, str(path))
    missing = lacking if complete else []
    helped = framework.criterion_count - len(lacking)
    summary = (
        f"{path}: {'incomplete' if missing else 'ok'} ({framework.area_count} areas, "
        f"{framework.criterion_count} criteria, {helped} with anchors, hint and action)"
    )
    return summary, missing


@app.command()
def validate(
    files: Annotated[list[Path], typer.Argument(help="Questionnaire YAML files.")],
    complete: Annotated[
        bool,
        typer.Option(
            "--complete",
            help="Also require level anchors, a hint and an action on every criterion.",
        ),
    ] = False,
) -> None:
    """Check questionnaire files; print every problem with its file, line and path.

    Where the configured database exists, a file is also refused if its version is stored
    there with other content.
    """
    failed = False
    with _stored_frameworks() as stored:
        for path in files:
            try:
                summary, missing = _check(path, stored, complete=complete)
            except FrameworkFileError as exc:
                failed = True
                for problem in exc.problems:
                    typer.echo(str(problem), err=True)
                continue
            for problem in missing:
                typer.echo(str(problem), err=True)
            failed = failed or bool(missing)
            typer.echo(summary)
    if failed:
        raise typer.Exit(1)


@contextmanager
def _database() -> Iterator[Session]:
    """A committed session on the configured, migrated database."""
    settings = _settings()
    _prepare_database(settings)
    engine = make_engine(settings.sqlalchemy_url)
    try:
        with session_scope(engine) as session:
            yield session
    finally:
        engine.dispose()


@app.command()
def demo() -> None:
    """Create the demo workspace once, and give its consultant a fresh password."""
    from app.demo import create_demo, reset_demo_consultant

    with _database() as session:
        created = create_demo(session)
        email, password = reset_demo_consultant(session)
    typer.echo("Demo workspace created." if created else "Demo workspace already exists.")
    typer.echo(f"Sign in at /login as {email} with password: {password}")


def _read_password() -> str:
    if sys.stdin.isatty():
        return typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    return sys.stdin.readline().rstrip("\n")


def _create_user(email: str, role: Role, name: str) -> None:
    email, name = _checked("email", email, Email), _checked("name", name, OptionalName)
    password = _read_password()
    if len(password) < MIN_PASSWORD_LENGTH:
        typer.echo(f"gapwise: password: use at least {MIN_PASSWORD_LENGTH} characters", err=True)
        raise typer.Exit(2)
    with _database() as session:
        if accounts.user_by_email(session=session, email=email):
            typer.echo(f"gapwise: email: an account for {email} already exists", err=True)
            raise typer.Exit(2)
        user = accounts.create_user(
            session=session, email=email, password=password, role=role, name=name
        )
        accounts.record(
            session=session, action=f"created {role} account", actor_label="cli", detail=user.email
        )
    typer.echo(f"Created {role} {accounts.normalise_email(email)}.")


@app.command("create-admin")
def create_admin(
    email: Annotated[
        str, typer.Option(help="The admin's email; the password is prompted or read from stdin.")
    ],
    name: Annotated[str, typer.Option(help="Display name.")] = "",
) -> None:
    """Create an instance admin."""
    _create_user(email, Role.ADMIN, name)


@app.command("create-user")
def create_user(
    email: Annotated[str, typer.Option(help="Email; the password is prompted or read from stdin.")],
    role: Annotated[Role, typer.Option(help="consultant or viewer (or admin).")] = Role.CONSULTANT,
    name: Annotated[str, typer.Option(help="Display name.")] = "",
) -> None:
    """Create a consultant or viewer account."""
    _create_user(email, role, name)


@app.command("create-token")
def create_token(
    email: Annotated[str, typer.Option(help="Whose token.")],
    name: Annotated[str, typer.Option(help="What it is for.")] = "cli",
) -> None:
    """Create a personal API token and print it once."""
    name = _checked("name", name, TokenName) or "cli"
    with _database() as session:
        user = accounts.user_by_email(session=session, email=email)
        if user is None:
            typer.echo(f"gapwise: email: no account for {email}", err=True)
            raise typer.Exit(2)
        token, secret = accounts.create_api_token(session=session, user=user, name=name)
        accounts.record(
            session=session, action="created API token", actor=user, detail=f"{name} (cli)"
        )
    typer.echo(secret)


def _assessment(session: Session, assessment_id: int) -> Assessment:
    """The assessment, or a one-line message and exit status 2."""
    assessment = session.get(Assessment, assessment_id) if 1 <= assessment_id <= MAX_ID else None
    if assessment is None:
        typer.echo(f"gapwise: assessment: no assessment with id {assessment_id}", err=True)
        raise typer.Exit(2)
    return assessment


def _write(output: Path, produce: Callable[[], bytes]) -> None:
    """Write what `produce` makes to `output`: a failed render or write is one line, no trace."""
    from app.reports.worker import ReportFailed

    try:
        output.write_bytes(produce())
    except ReportFailed as failure:
        typer.echo(f"gapwise: {failure}", err=True)
        raise typer.Exit(1) from None
    except OSError as problem:
        typer.echo(f"gapwise: output: cannot write {output}: {problem.strerror}", err=True)
        raise typer.Exit(2) from None


PreparedBy = Annotated[str, typer.Option(help="Name on the cover.")]


@app.command()
def report(
    assessment_id: int,
    output: Annotated[Path, typer.Option("--output", "-o", help="Where to write the PDF.")],
    paper: Annotated[str, typer.Option(help="A4 or Letter.")] = "A4",
    prepared_by: PreparedBy = "Gapwise",
) -> None:
    """Write an assessment's board report as a PDF."""
    from app.domain.evidence import NOTHING_TO_REPORT
    from app.report_data import report_data_of
    from app.reports import worker
    from app.reports.pdf import PAPER_SIZES, render_pdf

    prepared_by = _checked("prepared-by", prepared_by, OptionalName)
    if paper not in PAPER_SIZES:
        typer.echo(f"gapwise: paper: use {' or '.join(PAPER_SIZES)}, not {paper!r}", err=True)
        raise typer.Exit(2)
    with _database() as session:
        assessment = _assessment(session, assessment_id)
        data = report_data_of(
            session=session, assessment=assessment, prepared_by=prepared_by, paper=paper
        )
    if data.results.overall is None:
        typer.echo(f"gapwise: {NOTHING_TO_REPORT}", err=True)
        raise typer.Exit(1)
    _write(output, lambda: worker.render_in_worker(render_pdf, data))
    typer.echo(f"Report written to {output}")


def _export(assessment_id: int, export_format: str, output: Path, prepared_by: str) -> None:
    from app.report_data import exported
    from app.reports.registry import EXPORTS

    chosen = _registered(EXPORTS, export_format, "format")
    prepared_by = _checked("prepared-by", prepared_by, OptionalName)
    with _database() as session:
        assessment = _assessment(session, assessment_id)
        _write(
            output,
            lambda: exported(
                session=session,
                assessment=assessment,
                export_format=chosen,
                prepared_by=prepared_by,
            ),
        )


@app.command()
def deck(
    assessment_id: int,
    output: Annotated[Path, typer.Option("--output", "-o", help="Where to write the .pptx.")],
    prepared_by: PreparedBy = "Gapwise",
) -> None:
    """Write an assessment's slide deck (16:9 PowerPoint); the same as export --format pptx."""
    _export(assessment_id, "pptx", output, prepared_by)
    typer.echo(f"Deck written to {output}")


@app.command()
def export(
    assessment_id: int,
    export_format: Annotated[
        str, typer.Option("--format", help="csv, xlsx, json, pptx... (a wrong one lists them).")
    ],
    output: Annotated[Path, typer.Option("--output", "-o", help="Where to write the file.")],
    prepared_by: PreparedBy = "Gapwise",
) -> None:
    """Export an assessment: answers as CSV, a workbook, everything as JSON, or a slide deck."""
    _export(assessment_id, export_format, output, prepared_by)
    typer.echo(f"Exported to {output}")


@app.command()
def chart(
    assessment_id: int,
    name: Annotated[str, typer.Option(help="radar, gaps... (a wrong one lists them).")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Where to write the image.")],
    image_format: Annotated[str, typer.Option("--format", help="svg or png.")] = "svg",
) -> None:
    """Draw one of an assessment's charts as SVG or PNG."""
    from app.report_data import chart_data_of
    from app.reports.registry import CHARTS

    chosen = _registered(CHARTS, name, "name")
    if image_format not in IMAGE_FORMATS:
        typer.echo(f"gapwise: format: use svg or png, not {image_format!r}", err=True)
        raise typer.Exit(2)
    with _database() as session:  # a chart reads only the parts it draws, while it draws
        data = chart_data_of(session=session, assessment=_assessment(session, assessment_id))
        output.write_bytes(chosen.draw(data, image_format))
    typer.echo(f"Chart written to {output}")


def _registered(registry: dict[str, T], name: str, option: str) -> T:
    """The registry's entry, or a one-line message naming the ones there are and exit 2."""
    if name not in registry:
        known = ", ".join(registry)
        typer.echo(f"gapwise: {option}: use one of {known}, not {name!r}", err=True)
        raise typer.Exit(2)
    return registry[name]


@app.command("import")
def import_(
    file: Path,
    organisation: Annotated[
        str, typer.Option(help="Slug of the organisation to import into; default: the file's.")
    ] = "",
) -> None:
    """Restore an assessment from a JSON export (the organisation is created if missing)."""
    from app.db.transfer import import_assessment
    from app.db.transfer_schema import MAX_DOCUMENT_BYTES, ImportRefused, Slug, read_document

    chosen = _checked("organisation", organisation, Slug) if organisation else ""
    try:
        with file.open("rb") as opened:  # no further than the limit, as the web import
            document = read_document(opened.read(MAX_DOCUMENT_BYTES + 1))
    except OSError as problem:
        typer.echo(f"gapwise: file: cannot read it ({problem.strerror})", err=True)
        raise typer.Exit(2) from None
    except ImportRefused as refused:
        typer.echo(f"gapwise: {refused}", err=True)
        raise typer.Exit(2) from None
    slug, name = chosen or document.organisation.slug, chosen or document.organisation.name
    with _database() as session:
        target = repository.organisation_by_slug(session=session, slug=slug)
        if target is None:
            target = repository.create_organisation(session=session, slug=slug, name=name)
        try:
            assessment = import_assessment(session=session, document=document, organisation=target)
        except ImportRefused as refused:
            session.rollback()
            typer.echo(f"gapwise: {refused}", err=True)
            raise typer.Exit(2) from None
        typer.echo(f"Imported as assessment {assessment.id} in {target.name}")


@app.command("backup")
def backup_command(destination: Path) -> None:
    """Back up the SQLite database, safely while the server runs (PostgreSQL: use pg_dump)."""
    from app.db.backup import BackupRefused, backup

    settings = _settings()
    try:
        size = backup(settings.sqlalchemy_url, destination)
    except BackupRefused as refused:
        typer.echo(f"gapwise: {refused}", err=True)
        raise typer.Exit(2) from None
    typer.echo(f"Backed up to {destination} ({size // 1024} KiB)")


@app.command("restore")
def restore_command(
    backup_file: Path,
    replace: Annotated[bool, typer.Option(help="Overwrite a database that holds data.")] = False,
) -> None:
    """Restore a backup made by `gapwise backup`, then bring its schema up to date."""
    from app.db.backup import BackupRefused, move_versions_past, restore, versions_reached

    settings = _settings()
    try:
        reached = versions_reached(settings.sqlalchemy_url)
        restore(settings.sqlalchemy_url, backup_file, replace=replace)
    except BackupRefused as refused:
        typer.echo(f"gapwise: {refused}", err=True)
        raise typer.Exit(2) from None
    _prepare_database(settings)  # an older backup gains data versions here
    move_versions_past(settings.sqlalchemy_url, reached)
    typer.echo(f"Restored from {backup_file}")


if __name__ == "__main__":
    app()
