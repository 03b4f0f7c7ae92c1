"""The Twilio client's HTTP (delivery/transports.py `_TwilioHttp`): the environment's proxy
settings honoured as `requests` honours them, and form bodies encoded as it encodes them.

The requests themselves are checked against Twilio's OpenAPI spec by
tests/e2e/test_twilio_contract.py (Prism) and sent to the fake Twilio by the e2e tests.
"""

from __future__ import annotations

import urllib3

from encompass.delivery.transports import TwilioSMS, _form

SID = "AC" + "0" * 32


def _pool(api_base: str) -> urllib3.PoolManager:
    sms = TwilioSMS(
        account_sid=SID, auth_token="t", from_number="+447700900000", api_base=api_base, timeout=5
    )
    pool: urllib3.PoolManager = sms.client.http_client.pool  # type: ignore[attr-defined]
    return pool


def test_an_https_proxy_in_the_environment_carries_the_requests(monkeypatch):
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.force.example:3128")
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)

    pool = _pool("https://api.twilio.com")

    assert isinstance(pool, urllib3.ProxyManager)
    assert pool.proxy is not None and pool.proxy.host == "proxy.force.example"


def test_no_proxy_naming_the_host_goes_direct(monkeypatch):
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.force.example:3128")
    monkeypatch.setenv("NO_PROXY", "localhost,api.twilio.com")

    assert not isinstance(_pool("https://api.twilio.com"), urllib3.ProxyManager)


def test_without_a_proxy_it_goes_direct(monkeypatch):
    for name in ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)

    assert not isinstance(_pool("https://api.twilio.com"), urllib3.ProxyManager)


def test_a_form_repeats_lists_and_leaves_out_what_is_not_set():
    assert _form(
        {"To": "+447700900123", "MediaUrl": ["a", "b"], "Body": "Hi & bye", "X": None}
    ) == ("To=%2B447700900123&MediaUrl=a&MediaUrl=b&Body=Hi+%26+bye")
