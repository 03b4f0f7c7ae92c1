"""Transports behind one small interface: Twilio SMS and voice, SMTP, and the outbox.

A transport either returns a SendResult or raises TransportError, which says whether the
failure is permanent (do not retry: a bad number, an unsubscribed phone) or temporary
(timeouts, 5xx: retry with backoff).
"""

from __future__ import annotations

import base64
import json
import logging
import os
import smtplib
import ssl
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any, Protocol
from xml.sax.saxutils import escape  # escapes TwiML, parses nothing  # nosec B406

import certifi
import urllib3
from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.http import HttpClient
from twilio.http.response import Response
from twilio.rest import Client

from encompass.delivery.status import PERMANENT_TWILIO_CODES
from encompass.errors import EncompassError
from encompass.language.voice import VOICES, voice_parts
from encompass.lifecycles.delivery import SENT
from encompass.records.log_redaction import shorten_links

log = logging.getLogger("encompass.delivery")
TWILIO_DEFAULT_BASE = "https://api.twilio.com"


@dataclass(frozen=True)
class OutboundMessage:
    channel: str
    to: str
    body: str
    subject: str = ""
    status_callback: str | None = None


@dataclass(frozen=True)
class SendResult:
    provider_id: str
    status: str = SENT


class TransportError(EncompassError):
    """A send failed: `permanent` (the provider refused this message for good: a bad
    number, an unsubscribed address) or not (the provider or network was away: retry)."""

    def __init__(self, message: str, *, permanent: bool, code: str | None = None) -> None:
        super().__init__(message)
        self.permanent = permanent
        self.retry = not permanent
        self.code = code


class Transport(Protocol):
    name: str

    def send(self, message: OutboundMessage) -> SendResult: ...


class LogOnly:
    """No provider configured: the message is stored (as its Delivery row) and logged.
    Its rows say transport "outbox", the name operators know it by."""

    name = "outbox"

    def __init__(self, channel: str) -> None:
        self.channel = channel

    def send(self, message: OutboundMessage) -> SendResult:
        # The text carries no personal data by design (a link only); the recipient's phone
        # number or e-mail address is, so the log shows only enough of it to tell them apart,
        # and the link (a key to the notice) only its first characters.
        log.info(
            "outbox %s to %s: %s %s",
            message.channel,
            mask_address(message.to),
            message.subject,
            shorten_links(message.body),
        )
        return SendResult(provider_id=f"outbox-{uuid.uuid4().hex[:16]}")


def mask_address(address: str) -> str:
    """'+447911100001' -> '+44*******001'; 'helen.carter@school.org' -> 'h***@school.org'."""
    if "@" in address:
        local, _, domain = address.partition("@")
        return f"{local[:1]}***@{domain}"
    if len(address) <= 6:
        return "*" * len(address)
    return address[:3] + "*" * (len(address) - 6) + address[-3:]


class _TwilioHttp(HttpClient):
    """The Twilio client's HTTP: urllib3's connection pool, every request sent to
    TWILIO_API_BASE instead of https://api.twilio.com.

    The Twilio library's own client goes through `requests`, whose per-request work
    (merging settings, reading the environment's proxies) was most of a send's CPU on the
    worker's hottest path. The environment's proxy and CA settings (HTTPS_PROXY, NO_PROXY,
    REQUESTS_CA_BUNDLE) are honoured as `requests` would, read once, here."""

    def __init__(self, base: str, timeout: float) -> None:
        super().__init__(logger=log, is_async=False, timeout=timeout)
        self.base = base.rstrip("/")
        ca = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE")
        options: dict[str, Any] = {
            "maxsize": 32,
            "retries": False,
            "ca_certs": ca or certifi.where(),
        }
        parts = urllib.parse.urlsplit(self.base)
        bypass = urllib.request.proxy_bypass(parts.hostname or "")
        proxy = None if bypass else urllib.request.getproxies().get(parts.scheme)
        self.pool: urllib3.PoolManager = (
            urllib3.ProxyManager(proxy, **options) if proxy else urllib3.PoolManager(**options)
        )

    def request(
        self,
        method: str,
        url: str,
        params: dict[str, object] | None = None,
        data: dict[str, object] | None = None,
        headers: dict[str, str] | None = None,
        auth: tuple[str, str] | None = None,
        timeout: float | None = None,
        allow_redirects: bool = False,
    ) -> Response:
        if url.startswith(TWILIO_DEFAULT_BASE):
            url = self.base + url[len(TWILIO_DEFAULT_BASE) :]
        if params:
            url += "?" + _form(params)
        sent = dict(headers or {})
        if auth:
            sent["Authorization"] = "Basic " + base64.b64encode(":".join(auth).encode()).decode()
        body = None
        if data is not None:
            if sent.get("Content-Type", "").endswith("json"):
                body = json.dumps(data)
            else:
                body = _form(data)
                sent["Content-Type"] = "application/x-www-form-urlencoded"
        answer = self.pool.request(
            method.upper(),
            url,
            body=body,
            headers=sent,
            timeout=timeout or self.timeout,
            redirect=allow_redirects,
        )
        return Response(answer.status, answer.data.decode("utf-8", "replace"), answer.headers)


def _form(values: dict[str, object]) -> str:
    """A form body as `requests` makes one: lists repeated, None left out."""
    return urllib.parse.urlencode([(k, v) for k, v in values.items() if v is not None], doseq=True)


def _twilio_error(exc: Exception) -> TransportError:
    if isinstance(exc, TwilioRestException):
        code = exc.code
        status = exc.status or 500
        # 4xx is the request's fault and will fail the same way again. Not so 429
        # (throttling) or 401/403 (our credentials): fixing the configuration must let
        # the queued messages go, not fail them all for good.
        permanent = (
            400 <= status < 500 and status not in (401, 403, 429)
        ) or code in PERMANENT_TWILIO_CODES
        return TransportError(
            f"Twilio {exc.status}: {exc.msg}", permanent=permanent, code=str(code or exc.status)
        )
    # urllib3 counts a refused connection as a connect timeout; it is not one.
    refused = isinstance(exc, urllib3.exceptions.NewConnectionError)
    if isinstance(exc, urllib3.exceptions.TimeoutError) and not refused:
        return TransportError("Twilio request timed out", permanent=False, code="timeout")
    return TransportError(
        f"Twilio request failed: {type(exc).__name__}", permanent=False, code="network"
    )


class TwilioTransport:
    def __init__(
        self, *, account_sid: str, auth_token: str, from_number: str, api_base: str, timeout: float
    ) -> None:
        self.client = Client(account_sid, auth_token, http_client=_TwilioHttp(api_base, timeout))
        self.from_number = from_number


class TwilioSMS(TwilioTransport):
    name = "twilio"

    def send(self, message: OutboundMessage) -> SendResult:
        kwargs: dict[str, Any] = {"to": message.to, "from_": self.from_number, "body": message.body}
        if message.status_callback:
            kwargs["status_callback"] = message.status_callback
        try:
            created = self.client.messages.create(**kwargs)
        except (TwilioException, urllib3.exceptions.HTTPError) as exc:
            raise _twilio_error(exc) from None
        return SendResult(provider_id=str(created.sid), status=SENT)


class TwilioVoice(TwilioTransport):
    name = "twilio"

    def send(self, message: OutboundMessage) -> SendResult:
        twiml = twiml_for(message.body)
        kwargs: dict[str, Any] = {"to": message.to, "from_": self.from_number, "twiml": twiml}
        if message.status_callback:
            kwargs["status_callback"] = message.status_callback
        try:
            call = self.client.calls.create(**kwargs)
        except (TwilioException, urllib3.exceptions.HTTPError) as exc:
            raise _twilio_error(exc) from None
        return SendResult(provider_id=str(call.sid), status=SENT)


def twiml_for(body: str) -> str:
    """The call's TwiML: each part in its language's voice (Welsh then English for a
    bilingual call), then, after a pause, all of it once more."""
    said = "".join(
        f'<Say voice="{_attr(VOICES[tag])}" language="{tag}">{escape(words)}</Say>'
        for tag, words in voice_parts(body)
    )
    return f'<Response>{said}<Pause length="1"/>{said}</Response>'


def _attr(value: str) -> str:
    """An attribute value from our own constants, escaped all the same."""
    return escape(value, {'"': "&quot;"})


class SMTPMail:
    name = "smtp"

    def __init__(
        self,
        *,
        host: str,
        port: int,
        username: str | None,
        password: str | None,
        starttls: bool,
        mail_from: str,
        timeout: float,
    ) -> None:
        self.host, self.port, self.username, self.password = host, port, username, password
        self.starttls, self.mail_from, self.timeout = starttls, mail_from, timeout

    def send(self, message: OutboundMessage) -> SendResult:
        email = EmailMessage()
        email["From"] = self.mail_from
        email["To"] = message.to
        email["Subject"] = message.subject
        msg_id = f"<{uuid.uuid4().hex}@encompass>"
        email["Message-ID"] = msg_id
        email.set_content(message.body)
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
                if self.starttls:
                    smtp.starttls(context=ssl.create_default_context())
                if self.username:
                    smtp.login(self.username, self.password or "")
                smtp.send_message(email)
        except smtplib.SMTPRecipientsRefused as exc:
            raise TransportError(
                "recipient refused", permanent=True, code="smtp-recipient"
            ) from exc
        except smtplib.SMTPResponseException as exc:
            raise TransportError(
                f"SMTP {exc.smtp_code}",
                permanent=500 <= exc.smtp_code < 600,
                code=str(exc.smtp_code),
            ) from exc
        except (OSError, smtplib.SMTPException) as exc:
            raise TransportError(
                f"SMTP failed: {type(exc).__name__}", permanent=False, code="network"
            ) from exc
        return SendResult(provider_id=msg_id)


@dataclass(frozen=True)
class TransportSettings:
    """Which providers the service sends through, read once from configuration (the
    README's configuration table): Twilio when its account, token and number are set,
    SMTP when a host is; otherwise messages are stored and logged only."""

    twilio_account_sid: str | None = None
    twilio_auth_token: str | None = None
    twilio_from: str | None = None
    twilio_api_base: str = "https://api.twilio.com"
    twilio_timeout: float = 10.0
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_username: str | None = None
    smtp_password: str | None = field(default=None, repr=False)
    smtp_starttls: bool = False
    mail_from: str | None = None
    smtp_timeout: float = 10.0

    @classmethod
    def from_config(cls, cfg: Any) -> TransportSettings:
        from encompass.config.environment import twilio_enabled

        twilio = twilio_enabled(dict(cfg))
        return cls(
            twilio_account_sid=cfg["TWILIO_ACCOUNT_SID"] if twilio else None,
            twilio_auth_token=cfg["TWILIO_AUTH_TOKEN"] if twilio else None,
            twilio_from=cfg["TWILIO_FROM"] if twilio else None,
            twilio_api_base=str(cfg["TWILIO_API_BASE"]),
            twilio_timeout=float(cfg["TWILIO_TIMEOUT_SECONDS"]),
            smtp_host=cfg.get("SMTP_HOST") or None,
            smtp_port=int(cfg.get("SMTP_PORT") or 25),
            smtp_username=cfg.get("SMTP_USERNAME"),
            smtp_password=cfg.get("SMTP_PASSWORD"),
            smtp_starttls=bool(cfg.get("SMTP_STARTTLS")),
            mail_from=cfg.get("MAIL_FROM"),
            smtp_timeout=float(cfg["SMTP_TIMEOUT_SECONDS"]),
        )


def build_transports(settings: TransportSettings) -> dict[str, Transport]:
    """One transport per channel, as the settings say."""
    transports: dict[str, Transport] = {
        "sms": LogOnly("sms"),
        "voice": LogOnly("voice"),
        "email": LogOnly("email"),
    }
    if settings.twilio_account_sid and settings.twilio_auth_token and settings.twilio_from:
        common: dict[str, Any] = {
            "account_sid": settings.twilio_account_sid,
            "auth_token": settings.twilio_auth_token,
            "from_number": settings.twilio_from,
            "api_base": settings.twilio_api_base,
            "timeout": settings.twilio_timeout,
        }
        transports["sms"] = TwilioSMS(**common)
        transports["voice"] = TwilioVoice(**common)
    if settings.smtp_host:
        transports["email"] = SMTPMail(
            host=settings.smtp_host,
            port=settings.smtp_port,
            username=settings.smtp_username,
            password=settings.smtp_password,
            starttls=settings.smtp_starttls,
            mail_from=settings.mail_from or "",
            timeout=settings.smtp_timeout,
        )
    return transports
