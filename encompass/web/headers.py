"""Security headers on every response, and the per-request nonce that lets a <script> run.

Templates write `<script nonce="{{ csp_nonce() }}" ...>`; the GOV.UK template's own
inline script gets the same nonce through its `cspNonce` variable. Any script without the
nonce, any inline event handler and any inline style attribute is refused by the browser.
"""

from __future__ import annotations

import secrets
from typing import Any

from flask import Flask, Response, g, request

from encompass.auth.policy import access_policy

# Pages with a child's details must not linger in a shared computer's cache.
_NO_STORE = "no-store, max-age=0"


def csp_nonce() -> str:
    """This response's script nonce (made on first use)."""
    nonce = g.get("csp_nonce")
    if nonce is None:
        nonce = g.csp_nonce = secrets.token_urlsafe(18)
    return str(nonce)


def content_security_policy(nonce: str | None) -> str:
    scripts = f"'self' 'nonce-{nonce}'" if nonce else "'self'"
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src {scripts}",
            "style-src 'self'",
            "img-src 'self' data:",
            "font-src 'self'",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


def _set_headers(response: Response) -> Response:
    headers = response.headers
    if request.path.startswith("/api/"):
        headers.setdefault("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'")
    else:
        headers.setdefault("Content-Security-Policy", content_security_policy(g.get("csp_nonce")))
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    # An alert link's token must never leave in a Referer header.
    headers.setdefault("Referrer-Policy", "no-referrer")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
    headers.setdefault(
        "Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
    )
    access = access_policy()
    hsts = access.hsts_seconds
    if hsts and access.https:
        headers.setdefault("Strict-Transport-Security", f"max-age={hsts}; includeSubDomains")
    if request.endpoint not in ("static", "frontend.govuk_asset"):
        headers["Cache-Control"] = _NO_STORE
        headers.setdefault("Pragma", "no-cache")
    return response


def init_app(app: Flask) -> None:
    app.add_template_global(csp_nonce)

    @app.context_processor
    def _govuk_nonce() -> dict[str, Any]:
        # govuk_frontend_jinja/template.html puts `cspNonce` on its inline script.
        return {"cspNonce": csp_nonce()}

    app.after_request(_set_headers)
