"""Settings: defaults, a secret key generated once and kept, one-line errors naming the setting."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.config import SettingsError, load_settings


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
