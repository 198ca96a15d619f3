"""Whose X-Forwarded-For is believed: no one's by default, the named proxies' when set."""

from __future__ import annotations

from pathlib import Path

import httpx2
import pytest

from app.config import SettingsError, load_settings
from tests.databases import rows
from tests.factories import csrf_from
from tests.servers import LiveServer, demo_server

FORGED = "203.0.113.7"


def _failed_sign_in_from(server: LiveServer) -> str:
    """Fail to sign in with a forged X-Forwarded-For; the address the server counted."""
    with httpx2.Client(base_url=server.url, timeout=30) as client:
        token = csrf_from(client.get("/login").text)
        response = client.post(
            "/login",
            data={"email": "nobody@example.test", "password": "x", "csrf_token": token},
            headers={"X-Forwarded-For": FORGED},
        )
    assert response.status_code == 401
    ((address,),) = rows(server.database_url, "SELECT address FROM login_attempt")
    return address


def test_by_default_a_local_client_cannot_choose_the_address_counted(
    tmp_path: Path, demo_template: str
) -> None:
    with demo_server(tmp_path, template=demo_template) as server:
        assert _failed_sign_in_from(server) == "127.0.0.1"


def test_a_trusted_proxy_gives_the_client_address(tmp_path: Path, demo_template: str) -> None:
    trusted = {"GAPWISE_TRUSTED_PROXIES": "127.0.0.1, ::1"}
    with demo_server(tmp_path, template=demo_template, **trusted) as server:
        assert _failed_sign_in_from(server) == FORGED


@pytest.mark.parametrize("value", ["proxy.internal", "10.0.0.1/8", "127.0.0.1,,nope"])
def test_trusted_proxies_must_be_addresses_or_networks(tmp_path: Path, value: str) -> None:
    with pytest.raises(SettingsError, match="invalid setting GAPWISE_TRUSTED_PROXIES: "):
        load_settings(data_dir=tmp_path, trusted_proxies=value)


def test_trusted_proxies_are_listed_without_spaces(tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path, trusted_proxies=" 10.1.2.3, 10.8.0.0/16 ")

    assert settings.trusted_proxies == "10.1.2.3,10.8.0.0/16"
