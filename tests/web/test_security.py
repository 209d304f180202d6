"""Security defaults: CSRF on every form, rate limits, headers, cookies, friendly errors."""

from __future__ import annotations

import pytest
from factories import PASSWORD, csrf_token, make_user
from sqlalchemy import select

from store.accounts.models import User
from web import create_app


def test_security_headers_on_every_page(client):
    response = client.get("/")
    headers = response.headers
    assert headers["Content-Security-Policy"].startswith("default-src 'self'")
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Frame-Options"] == "DENY"


def test_no_inline_scripts_or_remote_assets(client):
    page = client.get("/register").get_data(as_text=True)
    assert "<script>" not in page and "onclick=" not in page
    assert "http://" not in page.replace("http://localhost", "") and "https://" not in page


def test_missing_or_wrong_csrf_token_is_refused_and_nothing_saved(client, db):
    data = {"display_name": "Eve", "email": "eve@example.org", "password": "correct horse staple", "confirm": "correct horse staple"}
    response = client.post("/register", data=data)
    assert response.status_code == 400
    assert "security token" in response.get_data(as_text=True)
    response = client.post("/register", data={**data, "csrf_token": "forged"})
    assert response.status_code == 400
    assert db.scalar(select(User).where(User.email == "eve@example.org")) is None


def test_login_flood_is_rate_limited(settings_override, database_url):
    settings_override["login_rate_limit"] = "3 per minute"
    app = create_app(settings_override)
    try:
        client = app.test_client()
        token = csrf_token(client, "/login")
        codes = [
            client.post("/login", data={"email": "x@example.org", "password": "wrong password!", "csrf_token": token}).status_code
            for _ in range(5)
        ]
        assert codes[:3] == [200, 200, 200]
        assert codes[3] == 429
        page = client.post("/login", data={"email": "x@example.org", "password": "x", "csrf_token": token})
        assert "take a short pause" in page.get_data(as_text=True)
    finally:
        app.extensions["hearth.db"].dispose()


def test_session_cookie_flags(client, db):
    user = make_user(db)
    token = csrf_token(client, "/login")
    response = client.post("/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token})
    cookie = response.headers.get("Set-Cookie", "")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_production_cookies_are_secure(settings_override):
    settings_override.update(env="production", secret_key="s" * 40)
    app = create_app(settings_override)
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]
    app.extensions["hearth.db"].dispose()


def test_production_refuses_the_development_key(settings_override, capsys):
    settings_override["env"] = "production"
    with pytest.raises(SystemExit) as stopped:
        create_app(settings_override)
    assert stopped.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "SECRET_KEY" in err[0]


@pytest.mark.parametrize("path,code", [("/no-such-page", 404), ("/admin/centres", 302)])
def test_friendly_errors(client, path, code):
    response = client.get(path)
    assert response.status_code == code
    if code == 404:
        assert "couldn" in response.get_data(as_text=True) and "Traceback" not in response.get_data(as_text=True)


def test_api_errors_are_json(client):
    response = client.get("/api/nothing-here")
    assert response.status_code == 404
    assert response.get_json()["error"]["status"] == 404


def test_resident_cannot_reach_admin_pages(client, db):
    from factories import login

    user = make_user(db)
    login(client, user.email)
    assert client.get("/admin/centres").status_code == 403


def test_unexpected_error_shows_a_kind_page_without_a_trace(app, client):
    @app.route("/boom")
    def boom():
        raise RuntimeError("kaboom")

    response = client.get("/boom")
    assert response.status_code == 500
    text = response.get_data(as_text=True)
    assert "something went wrong on our side" in text and "kaboom" not in text


def test_form_fields_keep_their_input_types(client):
    page = client.get("/login").get_data(as_text=True)
    assert 'type="email"' in page and 'type="password"' in page and 'autocomplete="email"' in page


def test_demo_logins_pass_the_login_form(client, db, runner):
    from factories import login

    runner.invoke(args=["hearth", "demo", "--residents", "12"])
    page = login(client, "resident@demo.example.org", "warm-kettle-42").get_data(as_text=True)
    assert "Welcome back" in page
