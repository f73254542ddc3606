"""``make run`` (``python -m bot serve``) serves the platform mock under /mock on the same SQLite file."""

from __future__ import annotations

import pytest

from tests.conftest import ServerProcess
from tests.signing.mockclient import ADMIN, Client


@pytest.mark.server_env(ESF_MOCK_ADMIN_TOKEN=ADMIN)
def test_the_main_server_mounts_the_mock(server: ServerProcess) -> None:
    client = Client(server.url)
    seller = client.seed_account()
    token = client.login(seller)
    assert client.call("GET", "/mock/api/contracts", token=token) == (200, {"contracts": []})
    status, out = client.call("GET", "/mock/api/contracts", token="forged")
    assert status == 401 and out["error"]["code"] == "invalid_token"
    assert client.call("GET", "/mock/admin/sms?account_id=" + seller["account_id"], token=token)[0] == 403
    assert server.get("/healthz")[1]["schema"] >= 5
