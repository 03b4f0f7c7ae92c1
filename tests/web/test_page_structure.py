"""Every page: one <h1>, a <title> that starts with it ("Error: " first when a form has
errors), no duplicate ids, GOV.UK Frontend's assets and no GDS Transport font."""

import json
import re
from html.parser import HTMLParser
from importlib import metadata
from pathlib import Path

import pytest
from sqlmodel import select

from encompass.models import Alert, KeyAdult
from encompass.web.frontend import GOVUK_FRONTEND_VERSION
from tests.factories import (
    bearer,
    create_force,
    create_key_adult,
    create_pupil,
    create_setting,
    create_user,
    notice_body,
)
from tests.helpers import csrf_token, sign_in


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.h1: list[str] = []
        self.title = ""
        self.ids: list[str] = []
        self.stylesheets: list[str] = []
        self._in: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.append(attrs["id"])
        if tag == "h1" or (tag == "title" and not self.title):  # not an <svg>'s <title>
            self._in = tag
            if tag == "h1":
                self.h1.append("")
        if tag == "link" and attrs.get("rel") == "stylesheet":
            self.stylesheets.append(attrs["href"])

    def handle_endtag(self, tag):
        if tag == self._in:
            self._in = None

    def handle_data(self, data):
        if self._in == "h1":
            self.h1[-1] += data
        elif self._in == "title":
            self.title += data


def _check(html: str, where: str, *, error: bool = False) -> None:
    page = _Page()
    page.feed(html)
    assert len(page.h1) == 1, f"{where}: {len(page.h1)} <h1>"
    heading = " ".join(page.h1[0].split())
    title = " ".join(page.title.split())
    assert title.startswith(("Error: " if error else "") + heading), f"{where}: {title!r}"
    assert title.endswith("– Operation Encompass"), where
    duplicates = sorted({i for i in page.ids if page.ids.count(i) > 1})
    assert duplicates == [], f"{where}: duplicate ids {duplicates}"
    assert "/static/govuk/govuk-frontend.min.css" in page.stylesheets, where
    assert "GDS Transport" not in html, where


def _get(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, f"{url}: {response.status_code}"
    return response.get_data(as_text=True)


def test_every_page_has_one_h1_a_matching_title_and_unique_ids(client, db):
    setting = create_setting(db)
    create_key_adult(db, setting, email="helen@school.example.org")
    create_pupil(db, setting)
    _, key = create_force(db)
    client.post("/api/v1/notices", json=notice_body(), headers=bearer(key))
    alert = db.exec(select(Alert)).one()
    adult = db.exec(select(KeyAdult)).one()
    create_user(db, "pc@police.example.org", "police", force_name="North Yorkshire Police")
    create_user(db, "helen@school.example.org", "dsl", setting_urn=setting.urn)
    create_user(db, "coord@york.example.gov.uk", "coordinator", la_code="816")

    login = _get(client, "/login")
    _check(login, "/login")
    failed = client.post(
        "/login", data={"email": "", "password": "", "csrf_token": csrf_token(login)}
    )
    _check(failed.get_data(as_text=True), "/login with errors", error=True)
    _check(client.get("/no-such-page").get_data(as_text=True), "404")

    pages = {
        "pc@police.example.org": ["/police/notices", "/police/notices/new", "/police/notices/1"],
        "helen@school.example.org": ["/dsl/", f"/alerts/{alert.id}"],
        "coord@york.example.gov.uk": [
            "/admin/settings",
            f"/admin/settings/{setting.id}",
            f"/admin/settings/{setting.id}/key-adults/new",
            f"/admin/key-adults/{adult.id}/verify",
            f"/admin/key-adults/{adult.id}/training",
            "/admin/attention",
            "/admin/coverage",
            "/admin/reports",
            f"/alerts/{alert.id}",
        ],
    }
    for email, urls in pages.items():
        sign_in(client, email)
        for url in urls:
            _check(_get(client, url), url)
        html = _get(client, urls[0])
        client.post("/logout", data={"csrf_token": csrf_token(html)})


def test_it_marks_the_current_page_in_the_service_navigation(client, db):
    create_user(db, "coord@york.example.gov.uk", "coordinator", la_code="816")
    sign_in(client, "coord@york.example.gov.uk")

    html = _get(client, "/admin/coverage")

    assert re.search(r'href="/admin/coverage"\s*aria-current="page"', html)
    assert html.count('aria-current="page"') == 1


def test_it_pins_the_govuk_frontend_that_govuk_frontend_jinja_targets():
    root = Path(__file__).resolve().parents[2]
    package = json.loads((root / "package.json").read_text())
    lock = json.loads((root / "package-lock.json").read_text())

    assert package["dependencies"]["govuk-frontend"] == GOVUK_FRONTEND_VERSION
    assert lock["packages"]["node_modules/govuk-frontend"]["version"] == GOVUK_FRONTEND_VERSION
    # govuk-frontend-jinja 4.1.0 is the release that targets GOV.UK Frontend 6.3.0.
    assert (metadata.version("govuk-frontend-jinja"), GOVUK_FRONTEND_VERSION) == ("4.1.0", "6.3.0")


def test_it_serves_the_fonts_and_images_the_govuk_css_asks_for_at_assets(client):
    response = client.get("/assets/images/favicon.svg")

    if response.status_code == 404:
        pytest.skip("static/govuk is not there: run scripts/bootstrap")
    assert response.status_code == 200
    assert client.get("/assets/../../encompass/__init__.py").status_code == 404
