"""The `gapwise` command."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
import uvicorn

from app.config import Settings, SettingsError, load_settings
from app.db import repository
from app.db.engine import make_engine, session_scope
from app.db.migrations import migrate as apply_migrations
from app.domain.loading import FrameworkFileError, load_framework

app = typer.Typer(
    help="Gapwise: capability assessment against the REAP blueprint.", no_args_is_help=True
)


def _settings() -> Settings:
    try:
        return load_settings()
    except SettingsError as exc:
        typer.echo(f"gapwise: {exc}", err=True)
        raise typer.Exit(2) from None


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
) -> None:
    """Migrate, load the questionnaires, and serve the web app."""
    from app.main import create_app

    settings = _settings()
    _prepare_database(settings)
    uvicorn.run(create_app(settings), host=host, port=port)


@app.command()
def validate(
    files: Annotated[list[Path], typer.Argument(help="Questionnaire YAML files.")],
) -> None:
    """Check questionnaire files; print every problem with its file and path."""
    failed = False
    for path in files:
        try:
            framework = load_framework(path)
        except FrameworkFileError as exc:
            failed = True
            for problem in exc.problems:
                typer.echo(str(problem), err=True)
            continue
        typer.echo(
            f"{path}: ok ({framework.area_count} areas, {framework.criterion_count} criteria)"
        )
    if failed:
        raise typer.Exit(1)


@app.command()
def demo() -> None:
    """Create the demo organisation and assessment (once; running it again changes nothing)."""
    from app.demo import create_demo

    settings = _settings()
    _prepare_database(settings)
    engine = make_engine(settings.sqlalchemy_url)
    try:
        with session_scope(engine) as session:
            created = create_demo(session)
    finally:
        engine.dispose()
    typer.echo("Demo workspace created." if created else "Demo workspace already exists.")


if __name__ == "__main__":
    app()
