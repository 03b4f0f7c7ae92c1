"""Small helpers for driving the web pages the way a browser does (CSRF included)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from sqlmodel import Session, select

from tests.factories import PASSWORD


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'type="hidden" name="csrf_token" value="([^"]+)"', html
    )
    assert match, "no CSRF token on the page"
    return match.group(1)


def totp_code(client, email: str) -> str:
    """A code the user's authenticator app would show now, not one already spent."""
    from encompass.auth.two_factor import DRIFT_STEPS, code_at_step, step_at
    from encompass.models import User

    engine = client.application.extensions["encompass_engine"]
    with Session(engine) as session:
        user = session.exec(select(User).where(User.email == email.lower())).one()
        secret, last = user.totp_secret, user.totp_last_step
    assert secret, f"{email} has no authenticator app secret"
    now = step_at(datetime.now(UTC))
    for step in range(now - DRIFT_STEPS, now + DRIFT_STEPS + 1):
        if last is None or step > last:
            return code_at_step(secret, step)
    raise AssertionError(f"{email} has used every code valid now: wait 30 seconds")


def sign_in(client, email: str, password: str = PASSWORD) -> None:
    """Sign in, with the authenticator-app step (set up on first sign-in) when the role has one."""
    token = csrf_token(client.get("/login").get_data(as_text=True))
    response = client.post(
        "/login", data={"email": email, "password": password, "csrf_token": token}
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    if response.headers["Location"].startswith("/login/two-factor"):
        page = client.get("/login/two-factor").get_data(as_text=True)
        response = client.post(
            "/login/two-factor",
            data={"code": totp_code(client, email), "csrf_token": csrf_token(page)},
        )
        assert response.status_code == 302, response.get_data(as_text=True)
