"""A small, real HTTP server that answers the two Twilio REST calls the service makes.

POST /2010-04-01/Accounts/{AccountSid}/Messages.json and .../Calls.json take a
form-encoded body and HTTP Basic auth (account SID and auth token), and answer 201 with
the JSON resource the twilio Python client parses, as api.twilio.com does. Every request
is recorded. A test can script the next answers: a Twilio error (400 with code 21211),
a server error (500), a hang (no answer until well after the client's timeout), or a late
acceptance (held like a hang, then answered 201 as usual when released).
"""

from __future__ import annotations

import base64
import contextlib
import json
import re
import threading
import uuid
from collections import deque
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

API_VERSION = "2010-04-01"
ROUTE = re.compile(
    rf"^/{API_VERSION}/Accounts/(?P<sid>AC[0-9a-f]{{32}})/(?P<kind>Messages|Calls)\.json$"
)
# How long a "hang" holds the request open. Far longer than the short client timeout the
# test sets; released early when the server stops, so teardown never waits this long.
HANG_SECONDS = 30.0

ANSWERS = ("ok", "invalid_number", "server_error", "hang", "late_ok")
ACCEPTED = ("ok", "late_ok")


@dataclass
class Recorded:
    method: str
    path: str
    form: dict[str, str]
    auth: tuple[str, str] | None
    answer: str = ""
    sid: str | None = None

    @property
    def kind(self) -> str:
        return "call" if self.path.endswith("/Calls.json") else "sms"


@dataclass
class FakeTwilio:
    account_sid: str = field(default_factory=lambda: "AC" + uuid.uuid4().hex)
    auth_token: str = field(default_factory=lambda: uuid.uuid4().hex)
    from_number: str = "+447700900123"
    requests: list[Recorded] = field(default_factory=list)
    _script: deque[str] = field(default_factory=deque)
    _default: str = "ok"
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _release: threading.Event = field(default_factory=threading.Event)
    _server: ThreadingHTTPServer | None = None
    _thread: threading.Thread | None = None

    # --- scripting -------------------------------------------------------------------
    def answer_next(self, *answers: str) -> None:
        """The next requests get these answers, in order; then the default answer again."""
        for answer in answers:
            if answer not in ANSWERS:
                raise ValueError(f"unknown answer {answer!r}; one of {ANSWERS}")
        with self._lock:
            self._script.extend(answers)

    def answer_always(self, answer: str) -> None:
        if answer not in ANSWERS:
            raise ValueError(f"unknown answer {answer!r}; one of {ANSWERS}")
        with self._lock:
            self._default = answer

    def _take_answer(self) -> str:
        with self._lock:
            return self._script.popleft() if self._script else self._default

    # --- what was received -----------------------------------------------------------
    @property
    def url(self) -> str:
        assert self._server is not None, "fake Twilio is not running"
        return f"http://127.0.0.1:{self._server.server_port}"

    @property
    def messages(self) -> list[Recorded]:
        """SMS that were accepted (answered 201)."""
        return [r for r in self.requests if r.kind == "sms" and r.answer in ACCEPTED]

    @property
    def calls(self) -> list[Recorded]:
        """Voice calls that were accepted (answered 201)."""
        return [r for r in self.requests if r.kind == "call" and r.answer in ACCEPTED]

    def config(self) -> dict[str, Any]:
        """The app configuration that points the service's Twilio transports here."""
        return {
            "TWILIO_ACCOUNT_SID": self.account_sid,
            "TWILIO_AUTH_TOKEN": self.auth_token,
            "TWILIO_FROM": self.from_number,
            "TWILIO_API_BASE": self.url,
        }

    # --- lifecycle -------------------------------------------------------------------
    def start(self) -> FakeTwilio:
        fake = self

        class Handler(_Handler):
            twilio = fake

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._server.block_on_close = False
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="fake-twilio",
            daemon=True,
        )
        self._thread.start()
        return self

    def release_hangs(self) -> None:
        """Let every hanging request finish now (answered 503)."""
        self._release.set()

    def stop(self) -> None:
        self.release_hangs()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)


class _Handler(BaseHTTPRequestHandler):
    twilio: FakeTwilio
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib name
        pass  # keep test output quiet

    def do_GET(self) -> None:  # noqa: N802 - stdlib name
        self._send_json(405, {"code": 20004, "message": "Method not allowed", "status": 405})

    def do_POST(self) -> None:  # noqa: N802 - stdlib name
        fake = self.twilio
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length).decode("utf-8") if length else ""
        form = dict(parse_qsl(raw, keep_blank_values=True))
        record = Recorded("POST", self.path, form, self._basic_auth())
        with fake._lock:
            fake.requests.append(record)

        match = ROUTE.match(self.path)
        if match is None:
            record.answer = "not_found"
            self._send_json(404, _error(20404, "The requested resource was not found", 404))
            return
        if record.auth != (fake.account_sid, fake.auth_token) or match["sid"] != fake.account_sid:
            record.answer = "unauthorised"
            self._send_json(401, _error(20003, "Authenticate", 401))
            return
        missing = [p for p in ("To", "From") if not form.get(p)]
        body_param = "Body" if match["kind"] == "Messages" else "Twiml"
        if match["kind"] == "Calls" and not (form.get("Twiml") or form.get("Url")):
            missing.append("Twiml")
        elif match["kind"] == "Messages" and not form.get("Body"):
            missing.append(body_param)
        if missing:
            record.answer = "bad_request"
            message = f"A '{missing[0]}' parameter is required."
            self._send_json(400, _error(21604, message, 400))
            return

        answer = fake._take_answer()
        record.answer = answer
        if answer == "invalid_number":
            message = f"The 'To' number {form['To']} is not a valid phone number."
            self._send_json(400, _error(21211, message, 400))
        elif answer == "server_error":
            self._send_json(500, _error(20500, "Internal Server Error", 500))
        elif answer == "hang":
            fake._release.wait(HANG_SECONDS)
            with contextlib.suppress(OSError):  # the client gave up long ago
                self._send_json(503, _error(20503, "Service Unavailable", 503))
        else:
            if answer == "late_ok":
                fake._release.wait(HANG_SECONDS)
            prefix = "SM" if match["kind"] == "Messages" else "CA"
            record.sid = prefix + uuid.uuid4().hex
            resource = (
                _message(record.sid, fake.account_sid, form)
                if match["kind"] == "Messages"
                else _call(record.sid, fake.account_sid, form)
            )
            self._send_json(201, resource)

    def _basic_auth(self) -> tuple[str, str] | None:
        header = self.headers.get("Authorization", "")
        scheme, _, encoded = header.partition(" ")
        if scheme.lower() != "basic":
            return None
        try:
            user, _, password = base64.b64decode(encoded).decode("utf-8").partition(":")
        except ValueError:
            return None
        return user, password

    def _send_json(self, status: int, payload: dict[str, Any]) -> None:
        data = json.dumps(payload).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Twilio-Request-Id", "RQ" + uuid.uuid4().hex)
        self.end_headers()
        self.wfile.write(data)


def _error(code: int, message: str, status: int) -> dict[str, Any]:
    return {
        "code": code,
        "message": message,
        "more_info": f"https://www.twilio.com/docs/errors/{code}",
        "status": status,
    }


def _message(sid: str, account_sid: str, form: dict[str, str]) -> dict[str, Any]:
    now = formatdate(usegmt=False)
    return {
        "account_sid": account_sid,
        "api_version": API_VERSION,
        "body": form.get("Body", ""),
        "date_created": now,
        "date_sent": None,
        "date_updated": now,
        "direction": "outbound-api",
        "error_code": None,
        "error_message": None,
        "from": form.get("From"),
        "messaging_service_sid": form.get("MessagingServiceSid"),
        "num_media": "0",
        "num_segments": "1",
        "price": None,
        "price_unit": "USD",
        "sid": sid,
        "status": "queued",
        "subresource_uris": {
            "media": f"/{API_VERSION}/Accounts/{account_sid}/Messages/{sid}/Media.json"
        },
        "to": form.get("To"),
        "uri": f"/{API_VERSION}/Accounts/{account_sid}/Messages/{sid}.json",
    }


def _call(sid: str, account_sid: str, form: dict[str, str]) -> dict[str, Any]:
    now = formatdate(usegmt=False)
    return {
        "account_sid": account_sid,
        "annotation": None,
        "answered_by": None,
        "api_version": API_VERSION,
        "caller_name": None,
        "date_created": now,
        "date_updated": now,
        "direction": "outbound-api",
        "duration": None,
        "end_time": None,
        "forwarded_from": None,
        "from": form.get("From"),
        "from_formatted": form.get("From"),
        "group_sid": None,
        "parent_call_sid": None,
        "phone_number_sid": None,
        "price": None,
        "price_unit": "USD",
        "queue_time": "0",
        "sid": sid,
        "start_time": None,
        "status": "queued",
        "subresource_uris": {},
        "to": form.get("To"),
        "to_formatted": form.get("To"),
        "trunk_sid": None,
        "uri": f"/{API_VERSION}/Accounts/{account_sid}/Calls/{sid}.json",
    }
