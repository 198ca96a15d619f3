"""Settings: defaults, a secret key generated once and kept, one-line errors naming the setting."""

from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from app import config
from app.config import SettingsError, load_settings, served_base_url


def test_defaults_put_sqlite_in_the_data_folder(tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path)

    assert settings.sqlalchemy_url == f"sqlite:///{tmp_path}/gapwise.db"
    assert settings.base_url_text == "http://127.0.0.1:8000"


def test_secret_key_is_generated_once_and_kept_private(tmp_path: Path) -> None:
    first = load_settings(data_dir=tmp_path).secret_key
    second = load_settings(data_dir=tmp_path).secret_key

    assert first == second
    assert len(first) >= 48
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
    assert load_settings(data_dir=tmp_path / "other").secret_key != first


def test_workers_starting_at_once_on_a_new_folder_agree_on_one_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each process draws its own key after finding none: all draw before any keeps one."""
    starting = 8
    all_drawn = threading.Barrier(starting)
    draw = config._new_secret_key

    def drawn_together() -> str:
        key = draw()
        all_drawn.wait(timeout=10)
        return key

    monkeypatch.setattr(config, "_new_secret_key", drawn_together)
    with ThreadPoolExecutor(starting) as workers:
        settings = workers.map(lambda _: load_settings(data_dir=tmp_path), range(starting))
        keys = {each.secret_key for each in settings}

    assert keys == {(tmp_path / "secret_key").read_text()}
    assert [file.name for file in tmp_path.iterdir()] == ["secret_key"]  # no draft left


def test_a_folder_on_a_file_system_without_hard_links_still_keeps_one_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_links(source: object, target: object) -> None:
        raise PermissionError(1, "Operation not permitted")  # as on exFAT or SMB

    monkeypatch.setattr(os, "link", no_links)

    first = load_settings(data_dir=tmp_path).secret_key
    second = load_settings(data_dir=tmp_path).secret_key

    assert first == second and len(first) >= 48
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
    assert [file.name for file in tmp_path.iterdir()] == ["secret_key"]


@pytest.mark.parametrize("kept", ["", "short\n"])
def test_a_key_file_too_short_to_sign_with_stops_the_start(tmp_path: Path, kept: str) -> None:
    (tmp_path / "secret_key").write_text(kept)

    with pytest.raises(SettingsError) as refused:
        load_settings(data_dir=tmp_path)
    assert str(refused.value) == (
        f"invalid setting GAPWISE_SECRET_KEY: the key file {tmp_path / 'secret_key'} holds "
        "fewer than 32 characters; delete it to have a new key made"
    )


def test_secret_key_from_the_environment_wins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GAPWISE_SECRET_KEY", "k" * 40)

    assert load_settings(data_dir=tmp_path).secret_key == "k" * 40
    assert not (tmp_path / "secret_key").exists()


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        (
            "GAPWISE_BASE_URL",
            "not a url",
            "invalid setting GAPWISE_BASE_URL: Input should be a valid URL",
        ),
        (
            "GAPWISE_DATABASE_URL",
            "mysql://x",
            "invalid setting GAPWISE_DATABASE_URL: Value error, use sqlite",
        ),
        (
            "GAPWISE_SECRET_KEY",
            "short",
            "invalid setting GAPWISE_SECRET_KEY: Value error, must be at least 32",
        ),
    ],
)
def test_invalid_setting_fails_with_one_line_naming_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, value: str, message: str
) -> None:
    monkeypatch.setenv(name, value)

    with pytest.raises(SettingsError) as caught:
        load_settings(data_dir=tmp_path)

    assert str(caught.value).startswith(message)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(
    ("host", "expected", "note"),
    [
        ("127.0.0.1", "http://127.0.0.1:8111", ""),
        ("0.0.0.0", "http://127.0.0.1:8111", "set GAPWISE_BASE_URL to the address people reach"),
        ("::1", "http://[::1]:8111", ""),
    ],
)
def test_without_a_base_url_links_follow_the_address_served(
    tmp_path: Path, host: str, expected: str, note: str
) -> None:
    settings, said = served_base_url(load_settings(data_dir=tmp_path), host, 8111)

    assert settings.base_url_text == expected
    assert note in said and ("\n" not in said)


def test_a_base_url_that_differs_from_the_address_served_wins_and_is_said_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GAPWISE_BASE_URL", "https://gapwise.example.test")

    settings, said = served_base_url(load_settings(data_dir=tmp_path), "127.0.0.1", 8111)
    same, again = served_base_url(settings, "gapwise.example.test", 443)

    assert settings.base_url_text == "https://gapwise.example.test"
    assert said == (
        "Links use GAPWISE_BASE_URL https://gapwise.example.test, "
        "not the address served here (http://127.0.0.1:8111)."
    )
    assert same.base_url_text == "https://gapwise.example.test" and "served here" in again
