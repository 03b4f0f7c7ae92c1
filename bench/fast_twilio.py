"""A light fake Twilio for the timer-lag benchmark: asyncio, one thread, its own process.

It answers the same two REST calls as tests/e2e/fake_twilio.py (POST .../Messages.json
and .../Calls.json, HTTP Basic auth, 201 with the JSON resource the twilio client
parses; the resources are built by that module) but without a thread per connection,
so it costs the machine little and is never what the benchmark measures. Every request
is recorded with the time it arrived (time.time(), taken as soon as the whole request
has been read) and the `To` it names. --latency-ms delays every answer (not the record)
as a real provider would. On SIGTERM or SIGINT the records are written as
JSON to --out and the process exits.

    python bench/fast_twilio.py --account-sid AC... --auth-token ... --port-file P --out O
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import signal
import sys
import time
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.e2e.fake_twilio import API_VERSION, _call, _error, _message  # noqa: E402

HOST = "127.0.0.1"


class Recorder:
    def __init__(self, account_sid: str, auth_token: str) -> None:
        self.account_sid = account_sid
        basic = base64.b64encode(f"{account_sid}:{auth_token}".encode()).decode()
        self.auth = f"Basic {basic}"
        self.prefix = f"/{API_VERSION}/Accounts/{account_sid}/"
        # (arrival time, "sms" | "call" | what went wrong, To)
        self.records: list[tuple[float, str, str]] = []

    def answer(self, path: str, headers: dict[str, str], body: bytes) -> tuple[int, bytes]:
        arrived = time.time()
        form = dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
        to = form.get("To", "")
        if not path.startswith(self.prefix) or path[len(self.prefix) :] not in (
            "Messages.json",
            "Calls.json",
        ):
            self.records.append((arrived, "not_found", to))
            return 404, _json(_error(20404, "The requested resource was not found", 404))
        if headers.get("authorization") != self.auth:
            self.records.append((arrived, "unauthorised", to))
            return 401, _json(_error(20003, "Authenticate", 401))
        if path.endswith("Messages.json"):
            self.records.append((arrived, "sms", to))
            return 201, _json(_message("SM" + uuid.uuid4().hex, self.account_sid, form))
        self.records.append((arrived, "call", to))
        return 201, _json(_call("CA" + uuid.uuid4().hex, self.account_sid, form))


def _json(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload).encode("utf-8")


REASONS = {201: b"Created", 401: b"Unauthorized", 404: b"Not Found", 400: b"Bad Request"}


class HTTPProtocol(asyncio.Protocol):
    """HTTP/1.1 with keep-alive: the requests the twilio client (requests/urllib3) sends."""

    def __init__(self, recorder: Recorder, latency: float) -> None:
        self.recorder = recorder
        self.latency = latency
        self.buffer = b""
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while True:
            head_end = self.buffer.find(b"\r\n\r\n")
            if head_end < 0:
                return
            head = self.buffer[:head_end].decode("latin-1").split("\r\n")
            headers = {}
            for line in head[1:]:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
            length = int(headers.get("content-length") or 0)
            if len(self.buffer) < head_end + 4 + length:
                return
            body = self.buffer[head_end + 4 : head_end + 4 + length]
            self.buffer = self.buffer[head_end + 4 + length :]
            method, _, rest = head[0].partition(" ")
            path = rest.rpartition(" ")[0]
            if method == "POST":
                status, payload = self.recorder.answer(path, headers, body)
            else:
                status, payload = 400, _json(_error(20004, "Method not allowed", 405))
            assert self.transport is not None
            answer = (
                b"HTTP/1.1 %d %s\r\nContent-Type: application/json; charset=utf-8\r\n"
                b"Content-Length: %d\r\nTwilio-Request-Id: RQ%s\r\n\r\n"
                % (status, REASONS[status], len(payload), uuid.uuid4().hex.encode())
                + payload
            )
            if self.latency > 0:
                # As slow as the real API, without holding up anyone else's request.
                asyncio.get_running_loop().call_later(self.latency, self._write, answer)
            else:
                self.transport.write(answer)

    def _write(self, answer: bytes) -> None:
        if self.transport is not None and not self.transport.is_closing():
            self.transport.write(answer)


async def serve(args: argparse.Namespace) -> Recorder:
    recorder = Recorder(args.account_sid, args.auth_token)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: HTTPProtocol(recorder, args.latency_ms / 1000), HOST, 0, backlog=512
    )
    port = server.sockets[0].getsockname()[1]
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    tmp = Path(str(args.port_file) + ".tmp")
    tmp.write_text(str(port))
    tmp.rename(args.port_file)  # appears whole: the benchmark polls for it
    await stop.wait()
    server.close()
    return recorder


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--account-sid", required=True)
    p.add_argument("--auth-token", required=True)
    p.add_argument("--port-file", type=Path, required=True)
    p.add_argument("--out", type=Path, required=True)
    p.add_argument(
        "--latency-ms",
        type=float,
        default=0.0,
        help="answer each request this long after it arrived (the real API takes 100s of ms)",
    )
    args = p.parse_args()
    recorder = asyncio.run(serve(args))
    tmp = Path(str(args.out) + ".tmp")
    tmp.write_text(json.dumps(recorder.records))
    tmp.rename(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
