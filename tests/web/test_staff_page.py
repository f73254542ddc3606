"""The staff page's server side: /staff, the cookie sign-in, CSRF, sign-out, the situation panel."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from http.cookies import SimpleCookie
from typing import Any

import pytest
from conftest import ServerProcess, free_port

from storage.staff import StaffStore, hash_password

PASSWORD = "page-Secret-4242"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    db = tmp_path_factory.mktemp("page") / "esf.db"
    staff = StaffStore(db)
    staff.add("pat", "agent", hash_password(PASSWORD))
    staff.close()
    srv = ServerProcess(db=db, port=free_port())
    srv.start()
    yield srv
    srv.stop()


def call(
    srv: ServerProcess,
    method: str,
    path: str,
    body: Any = None,
    headers: dict[str, str] | None = None,
    raw: bytes | None = None,
) -> tuple[int, Any, bytes]:
    data = raw if raw is not None else (None if body is None else json.dumps(body).encode())
    req = urllib.request.Request(srv.url + path, data=data, method=method,
                                 headers={"Content-Type": "application/json", **(headers or {})})  # fmt: skip
    try:
        with _OPENER.open(req, timeout=30) as resp:
            return resp.status, resp.headers, resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, exc.read()


def cookie_login(srv: ServerProcess) -> tuple[str, str, str]:
    """(cookie header value, Set-Cookie line, CSRF token) of a JSON sign-in asking for the cookie."""
    status, headers, out = call(
        srv, "POST", "/api/staff/login", {"username": "pat", "password": PASSWORD, "cookie": True}
    )
    assert status == 200, out
    body = json.loads(out)
    assert set(body) == {"username", "role", "csrf_token"} and body["username"] == "pat"
    line = headers["Set-Cookie"]
    jar: SimpleCookie = SimpleCookie()
    jar.load(line)
    token = jar["esf_staff"].value
    assert token and token not in out.decode()  # the token stays in the HttpOnly cookie
    return f"esf_staff={token}", line, str(body["csrf_token"])


def test_the_page_is_served(desk: ServerProcess) -> None:
    status, headers, out = call(desk, "GET", "/staff")
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    page = out.decode()
    assert 'src="/static/staff.js"' in page and 'id="signin"' in page
    for asset in ("/static/staff.js", "/static/staff.css"):
        assert call(desk, "GET", asset)[0] == 200
    assert "innerHTML" not in call(desk, "GET", "/static/staff.js")[2].decode()


def test_cookie_login_sets_a_strict_httponly_cookie(desk: ServerProcess) -> None:
    _, line, _ = cookie_login(desk)
    attrs = [a.strip().lower() for a in line.split(";")]
    assert "httponly" in attrs and "samesite=strict" in attrs and "path=/" in attrs
    assert "secure" not in attrs  # plain http to 127.0.0.1: a developer's own machine
    # behind a TLS proxy, or reached under any other name, the cookie is Secure (chat-api.md)
    login = {"username": "pat", "password": PASSWORD, "cookie": True}
    for extra in ({"X-Forwarded-Proto": "https"}, {"Host": "desk.example.gov.cn"}):
        status, headers, _ = call(desk, "POST", "/api/staff/login", login, headers=extra)
        assert status == 200 and "secure" in [a.strip().lower() for a in headers["Set-Cookie"].split(";")]
    assert any(a.startswith("max-age=") for a in attrs)
    # the plain JSON sign-in still answers a bearer token and sets no cookie
    status, headers, out = call(desk, "POST", "/api/staff/login", {"username": "pat", "password": PASSWORD})
    assert status == 200 and set(json.loads(out)) == {"token"} and "Set-Cookie" not in headers


def test_form_login_redirects_with_the_cookie(desk: ServerProcess) -> None:
    form = urllib.parse.urlencode({"username": "pat", "password": PASSWORD}).encode()
    kind = {"Content-Type": "application/x-www-form-urlencoded"}
    status, headers, _ = call(desk, "POST", "/staff/login", headers=kind, raw=form)
    assert status == 303 and headers["Location"] == "/staff"
    assert "httponly" in headers["Set-Cookie"].lower() and "samesite=strict" in headers["Set-Cookie"].lower()
    wrong = urllib.parse.urlencode({"username": "pat", "password": "nope"}).encode()
    status, headers, _ = call(desk, "POST", "/staff/login", headers=kind, raw=wrong)
    assert status == 303 and headers["Location"] == "/staff?error=credentials" and "Set-Cookie" not in headers
    other_site = {**kind, "Origin": "https://evil.example"}
    assert call(desk, "POST", "/staff/login", headers=other_site, raw=form)[0] == 403


def test_csrf_is_required_on_cookie_posts(desk: ServerProcess) -> None:
    cookie, _, csrf = cookie_login(desk)
    status, _, out = call(desk, "GET", "/api/staff/me", headers={"Cookie": cookie})
    assert status == 200 and json.loads(out)["csrf_token"] == csrf
    assert call(desk, "GET", "/api/staff/handoffs", headers={"Cookie": cookie})[0] == 200  # a read: no CSRF
    body = {"buyer": {"origin": "hk"}}
    for bad in ({"Cookie": cookie}, {"Cookie": cookie, "X-CSRF-Token": "forged"}):
        status, _, out = call(desk, "POST", "/api/staff/situation", body, headers=bad)
        assert status == 403 and json.loads(out)["error"]["code"] == "csrf_failed"
    status, _, out = call(
        desk, "POST", "/api/staff/situation", body, {"Cookie": cookie, "X-CSRF-Token": csrf}
    )
    assert status == 200
    # a bearer token needs no CSRF header
    token = json.loads(call(desk, "POST", "/api/staff/login", {"username": "pat", "password": PASSWORD})[2])[
        "token"
    ]
    assert call(desk, "POST", "/api/staff/situation", body, {"Authorization": f"Bearer {token}"})[0] == 200
    assert call(desk, "POST", "/api/staff/situation", body)[0] == 401


def test_sign_out_ends_the_token(desk: ServerProcess) -> None:
    cookie, _, csrf = cookie_login(desk)
    assert call(desk, "POST", "/api/staff/logout", headers={"Cookie": cookie})[0] == 403  # no CSRF: refused
    status, headers, _ = call(
        desk, "POST", "/api/staff/logout", headers={"Cookie": cookie, "X-CSRF-Token": csrf}
    )
    assert status == 200 and "esf_staff=" in headers["Set-Cookie"]  # cleared
    assert call(desk, "GET", "/api/staff/me", headers={"Cookie": cookie})[0] == 401
    assert call(desk, "GET", "/api/staff/handoffs", headers={"Cookie": cookie})[0] == 401


def test_the_situation_panel_answers_with_sections(desk: ServerProcess) -> None:
    cookie, _, csrf = cookie_login(desk)
    auth = {"Cookie": cookie, "X-CSRF-Token": csrf}
    situation = {"seller": {"type": "enterprise"}, "buyer": {"origin": "hk"}, "usage": "residential"}
    status, _, raw = call(desk, "POST", "/api/staff/situation", situation, auth)
    out = json.loads(raw)
    assert status == 200 and out["signing"] == "offline" and out["filing_required"] is True
    reasons = out["signing_options"]["reasons"]
    assert [(r["code"], r["party"]) for r in reasons] == [
        ("organization_party", "seller"),
        ("overseas_party", "buyer"),
    ]
    assert all(r["sections"] and all(s in r["message"] for s in r["sections"]) for r in reasons)
    steps = [s["code"] for s in out["contract_steps"]["steps"]]
    assert "foreign_notarization" in steps and "esign" not in steps
    assert out["doc_types"]["buyer"]["doc_types"] == ["hk_macau_permit"]
    assert out["cancel"]["rule"] == "cancel_unfiled" and out["cancel"]["output"]["section"] == "7"
    # filed: cancel_filed; online asked for where it is not allowed: the rule's own error
    filed = {**situation, "filed": True, "change": "buyer_identity", "signing": "online"}
    out = json.loads(call(desk, "POST", "/api/staff/situation", filed, auth)[2])
    assert out["cancel"]["rule"] == "cancel_filed"
    assert out["cancel"]["output"]["required_option"] == "cancel_netsign"
    assert out["contract_steps"]["error"]["code"] == "invalid_input"
    bad = call(desk, "POST", "/api/staff/situation", {"usage": "castle"}, auth)
    assert bad[0] == 422  # a value out of the field's set (chat-api.md: 422)
