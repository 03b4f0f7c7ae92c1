"""CSRF on every form post, and the security headers (a strict CSP with a per-request nonce)."""

from __future__ import annotations

import re

from encompass.auth.access import access_decision
from tests.factories import create_setting, create_user
from tests.helpers import sign_in

# The only posts without a CSRF token: machines that authenticate every request.
CSRF_EXEMPT = {"force_api_key", "twilio_signature"}


def _form_posts(app) -> list[str]:
    urls = []
    for rule in app.url_map.iter_rules():
        if "POST" not in (rule.methods or ()):
            continue
        if access_decision(app.view_functions[rule.endpoint]) in CSRF_EXEMPT:
            continue
        urls.append(re.sub(r"<(?:\w+:)?\w+>", "1", rule.rule))
    return urls


def test_it_refuses_every_form_post_without_a_csrf_token(app, client, db):
    create_setting(db)
    create_user(db, "admin@example.org", "admin")
    create_user(db, "helen@school.example.org", "dsl", setting_urn="121212")
    urls = _form_posts(app)
    assert {"/login", "/logout", "/alerts/1", "/review/1", "/login/two-factor"} <= set(urls)

    anonymous = [u for u in urls if client.post(u, data={"x": "1"}).status_code != 400]
    signed_in = {}
    for email in ("admin@example.org", "helen@school.example.org"):
        user = app.test_client()
        sign_in(user, email)
        signed_in[email] = [u for u in urls if user.post(u, data={"x": "1"}).status_code != 400]

    assert anonymous == []
    assert signed_in == {"admin@example.org": [], "helen@school.example.org": []}


def test_it_exempts_only_the_api_and_twilio_from_csrf(app):
    exempt = sorted(
        rule.rule
        for rule in app.url_map.iter_rules()
        if "POST" in (rule.methods or ())
        and access_decision(app.view_functions[rule.endpoint]) in CSRF_EXEMPT
    )
    assert exempt == ["/api/v1/notices", "/twilio/status"]


def _csp(response) -> dict[str, str]:
    policy = response.headers["Content-Security-Policy"]
    return {d.split()[0]: d.partition(" ")[2] for d in policy.split("; ")}


def test_it_sends_a_strict_content_security_policy_with_a_fresh_nonce(client):
    first, second = client.get("/login"), client.get("/login")

    csp = _csp(first)
    nonce = re.search(r"'nonce-([^']+)'", csp["script-src"]).group(1)
    assert "'unsafe-inline'" not in first.headers["Content-Security-Policy"]
    assert "'unsafe-eval'" not in first.headers["Content-Security-Policy"]
    assert csp["object-src"] == "'none'" and csp["frame-ancestors"] == "'none'"
    assert csp["base-uri"] == "'none'" and csp["style-src"] == "'self'"
    assert nonce not in second.headers["Content-Security-Policy"]
    scripts = re.findall(r"<script\b[^>]*>", first.get_data(as_text=True))
    assert scripts and all(f'nonce="{nonce}"' in tag for tag in scripts), scripts


def test_it_puts_the_nonce_on_every_script_of_every_signed_in_page(app, db):
    create_setting(db)
    create_user(db, "admin@example.org", "admin")
    client = app.test_client()
    sign_in(client, "admin@example.org")

    for url in ("/admin/settings", "/admin/coverage", "/admin/reports", "/review/"):
        response = client.get(url)
        nonce = re.search(r"'nonce-([^']+)'", response.headers["Content-Security-Policy"]).group(1)
        html = response.get_data(as_text=True)
        for tag in re.findall(r"<script\b[^>]*>", html):
            assert f'nonce="{nonce}"' in tag, (url, tag)
        assert not re.search(r"\son[a-z]+=", html), f"{url}: inline event handler"
        assert " style=" not in html, f"{url}: inline style attribute"


def test_it_sends_the_other_security_headers_and_no_store(client):
    response = client.get("/login")

    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "no-store" in response.headers["Cache-Control"]
    assert "camera=()" in response.headers["Permissions-Policy"]
    api = client.get("/api/v1/notices/1")
    assert api.headers["Content-Security-Policy"].startswith("default-src 'none'")


def test_it_sends_hsts_only_when_the_service_is_on_https(make_app):
    plain = make_app().test_client().get("/login")
    secure = make_app(PUBLIC_BASE_URL="https://encompass.example.org").test_client().get("/login")

    assert "Strict-Transport-Security" not in plain.headers
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=31536000")
