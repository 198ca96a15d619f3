"""Settings from the environment (prefix GAPWISE_), checked once at start."""

from __future__ import annotations

import ipaddress
import os
import secrets
import tempfile
from functools import lru_cache
from pathlib import Path

from pydantic import AnyHttpUrl, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SECRET_KEY_FILE = "secret_key"
MIN_SECRET_KEY_LENGTH = 32


class SettingsError(Exception):
    """A setting that cannot be used; the message is one line naming it."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="GAPWISE_", extra="ignore")

    data_dir: Path = Field(
        default=PROJECT_ROOT / "var",
        description="Where the SQLite file, the secret key and caches live.",
    )
    database_url: str = Field(
        default="", description="SQLAlchemy URL; empty means an SQLite file in data_dir."
    )
    threads: int = Field(
        default=40,
        ge=1,
        le=1000,
        description="Threads serving requests in each worker; the database pool matches it.",
    )
    warm_results: bool = Field(
        default=True,
        description="Recompute results and redraw the results page's charts in the background "
        "shortly after a change, and draw the board report when its page opens and again once "
        "a change to it settles, so the next view or download finds them ready.",
    )
    secret_key: str = Field(
        default="",
        description="Signs sessions and links; generated and kept in data_dir when unset.",
    )
    base_url: AnyHttpUrl = Field(default=AnyHttpUrl("http://127.0.0.1:8000"))
    questionnaires_dir: Path = Field(default=PROJECT_ROOT / "questionnaires")
    smtp_host: str = Field(default="", description="Mail server for invites; empty sends none.")
    smtp_port: int = Field(default=587, ge=1, le=65535)
    smtp_username: str = ""
    smtp_password: SecretStr = SecretStr("")
    smtp_starttls: bool = Field(default=True, description="Upgrade the connection with STARTTLS.")
    mail_from: str = Field(default="Gapwise <gapwise@localhost>", description="Sender of invites.")
    trusted_proxies: str = Field(
        default="",
        description="Addresses or networks of the reverse proxies whose X-Forwarded-For and "
        "X-Forwarded-Proto to believe, comma-separated; empty believes no one.",
    )

    @field_validator("database_url")
    @classmethod
    def _known_database(cls, value: str) -> str:
        if value and not value.startswith(("sqlite://", "postgresql")):
            raise ValueError("use sqlite:///PATH or postgresql+psycopg://USER@HOST/DB")
        return value

    @field_validator("trusted_proxies")
    @classmethod
    def _addresses(cls, value: str) -> str:
        for part in value.split(","):
            if part.strip():
                try:
                    ipaddress.ip_network(part.strip())
                except ValueError:
                    raise ValueError(f"'{part.strip()}' is not an IP address or network") from None
        return ",".join(part.strip() for part in value.split(",") if part.strip())

    @field_validator("secret_key")
    @classmethod
    def _long_enough(cls, value: str) -> str:
        if value and len(value) < MIN_SECRET_KEY_LENGTH:
            raise ValueError(f"must be at least {MIN_SECRET_KEY_LENGTH} characters")
        return value

    @property
    def sqlalchemy_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'gapwise.db'}"

    @property
    def base_url_text(self) -> str:
        return str(self.base_url).rstrip("/")


def load_settings(**overrides: object) -> Settings:
    """Read the environment; raise SettingsError naming the first bad setting."""
    try:
        settings = Settings(**overrides)
    except ValidationError as exc:
        error = exc.errors()[0]
        name = f"GAPWISE_{str(error['loc'][0]).upper()}" if error["loc"] else "GAPWISE_*"
        raise SettingsError(f"invalid setting {name}: {error['msg']}") from None
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    if not settings.secret_key:
        settings.secret_key = _persistent_secret_key(settings.data_dir)
    return settings


def _persistent_secret_key(data_dir: Path) -> str:
    """Generate the key once and keep it, so sessions survive a restart.

    Processes starting at once on a new data folder (several workers) must agree on one key,
    or a page signed by one is refused by the other: the key is written whole (and synced)
    to a draft of this process's own, then linked into place, which only the first process
    manages. A key file too short to sign with (an interrupted write, an empty file made by
    hand) stops the start with a message instead of signing with it."""
    path = data_dir / SECRET_KEY_FILE
    if not path.exists():
        _keep_first(path, _new_secret_key())
    key = path.read_text().strip()
    if len(key) < MIN_SECRET_KEY_LENGTH:
        raise SettingsError(
            f"invalid setting GAPWISE_SECRET_KEY: the key file {path} holds fewer than "
            f"{MIN_SECRET_KEY_LENGTH} characters; delete it to have a new key made"
        )
    return key


def _new_secret_key() -> str:
    return secrets.token_urlsafe(48)


def _keep_first(path: Path, key: str) -> None:
    """Write `key` to `path` unless another process has already written its own there."""
    descriptor, draft = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(descriptor, "w") as out:  # mkstemp's file: readable by its owner only
            out.write(key)
            out.flush()
            os.fsync(out.fileno())
        os.link(draft, path)
    except FileExistsError:
        pass  # another process was first: its key is the one
    except OSError:  # a file system without hard links: create it alone, then write
        try:
            with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as out:
                out.write(key)
        except FileExistsError:
            pass
    finally:
        os.unlink(draft)


WILDCARD_HOSTS = ("0.0.0.0", "::", "")


def served_base_url(settings: Settings, host: str, port: int) -> tuple[Settings, str]:
    """The settings for serving on host:port, and one line to print at start-up (or "").

    Without GAPWISE_BASE_URL, links point at the address actually served (an invite link on
    port 8000 while serving on 8111 would refuse connections); with it, it wins, and a
    difference is said once, since a proxy in front is a common and valid reason for it.
    """
    shown = "127.0.0.1" if host in WILDCARD_HOSTS else host
    served = f"http://{f'[{shown}]' if ':' in shown else shown}:{port}"
    if "base_url" in settings.model_fields_set:
        if settings.base_url_text != served:
            return settings, (
                f"Links use GAPWISE_BASE_URL {settings.base_url_text}, "
                f"not the address served here ({served})."
            )
        return settings, ""
    derived = settings.model_copy(update={"base_url": AnyHttpUrl(served)})
    if host in WILDCARD_HOSTS:
        return derived, (f"Links use {served}; set GAPWISE_BASE_URL to the address people reach.")
    return derived, ""


@lru_cache
def get_settings() -> Settings:
    return load_settings()
