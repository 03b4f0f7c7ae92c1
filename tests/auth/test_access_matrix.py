"""Every role against every other role's objects: vertical (a role's pages are its own) and
horizontal (another setting's, force's or council's object is not found, never shown)."""

from __future__ import annotations

import pytest

from tests.factories import bearer
from tests.helpers import csrf_token
from tests.security_world import ADMIN, World, build_world, signed_in_client

# kind -> (roles that may open it within their own scope, whether admins may open any)
RULES: dict[str, tuple[tuple[str, ...], bool]] = {
    "alert": (("dsl", "coordinator"), False),
    "alert_setting": (("dsl",), False),
    "police_notice": (("police",), False),
    "council": (("coordinator",), True),
}


def _urls(world: World, owner: str) -> list[tuple[str, str]]:
    side = world.side(owner)
    return [
        ("alert", f"/alerts/{side.alert_id}"),
        ("alert", f"/alerts/{side.alert_id}/summary.txt"),
        ("alert_setting", f"/alerts/{side.alert_id}/follow-up"),
        ("police_notice", f"/police/notices/{side.notice_id}"),
        ("council", f"/admin/settings/{side.setting_id}"),
        ("council", f"/admin/key-adults/{side.key_adult_id}/verify"),
        ("council", f"/admin/key-adults/{side.key_adult_id}/training"),
        ("council", f"/review/{side.review_id}"),
        ("council", f"/admin/imports/{side.import_job_id}"),
        ("council", f"/admin/imports/{side.import_job_id}/status"),
        ("council", f"/admin/notices/{side.notice_id}/access"),
    ]


def _expected(kind: str, owner: str, user_side: str | None, role: str) -> int:
    roles, admin_may = RULES[kind]
    if role == "admin":
        return 200 if admin_may else 403
    if role not in roles:
        return 403
    return 200 if user_side == owner else 404


@pytest.fixture
def world(db) -> World:
    return build_world(db)


def _users(world: World) -> list[tuple[str | None, str, str]]:
    users: list[tuple[str | None, str, str]] = [(None, "admin", ADMIN)]
    for name in ("york", "leeds"):
        for role, email in world.side(name).users.items():
            users.append((name, role, email))
    return users


def test_it_gives_every_role_its_own_objects_and_nobody_elses(app, world):
    wrong = []
    for user_side, role, email in _users(world):
        client = signed_in_client(app, email)
        for owner in ("york", "leeds"):
            child = world.side(owner).child_name
            for kind, url in _urls(world, owner):
                response = client.get(url)
                want = _expected(kind, owner, user_side, role)
                if response.status_code != want:
                    wrong.append(f"{role}@{user_side} GET {url}: {response.status_code} != {want}")
                if want != 200 and child in response.get_data(as_text=True):
                    wrong.append(f"{role}@{user_side} GET {url}: the child's name was shown")
    assert wrong == []


def test_it_keeps_each_roles_list_pages_to_that_role(app, world):
    pages = {
        "/dsl/": {"dsl"},
        "/police/notices": {"police"},
        "/police/notices/new": {"police"},
        "/admin/settings": {"admin", "coordinator"},
        "/admin/attention": {"admin", "coordinator"},
        "/admin/coverage": {"admin", "coordinator"},
        "/admin/reports": {"admin", "coordinator"},
        "/admin/reports/monthly.csv": {"admin", "coordinator"},
        "/admin/children/repeated": {"coordinator"},
        "/admin/children/repeated.csv": {"coordinator"},
        "/admin/access": {"admin", "coordinator"},
        "/admin/calendar/import": {"admin", "coordinator"},
        "/admin/rolls/import": {"admin", "coordinator"},
        "/admin/settings/new": {"admin", "coordinator"},
        "/admin/coordinators": {"admin"},
        "/review/": {"admin", "coordinator"},
    }
    wrong = []
    for _, role, email in _users(world):
        client = signed_in_client(app, email)
        for url, roles in pages.items():
            status = client.get(url).status_code
            want = 200 if role in roles else 403
            if status != want:
                wrong.append(f"{role} GET {url}: {status} != {want}")
    assert wrong == []


def test_it_shows_each_list_only_its_own_scopes_children(app, world):
    york, leeds = world.york, world.leeds
    for role, url in (("dsl", "/dsl/"), ("police", "/police/notices"), ("coordinator", "/review/")):
        page = signed_in_client(app, york.users[role]).get(url).get_data(as_text=True)
        assert leeds.child_name not in page and "Oliver" not in page, (role, url)


def test_it_refuses_changes_to_another_scopes_objects(app, world, db):
    york = world.york
    leeds_dsl = signed_in_client(app, world.leeds.users["dsl"])
    york_coordinator = signed_in_client(app, york.users["coordinator"])
    leeds_coordinator = signed_in_client(app, world.leeds.users["coordinator"])
    york_police = signed_in_client(app, york.users["police"])

    def post(client, url, **data):
        token = csrf_token(client.get("/logout").get_data(as_text=True))
        return client.post(url, data={"csrf_token": token, **data}).status_code

    ack = f"/alerts/{york.alert_id}"
    assert post(leeds_dsl, ack, note="Meet at 8:45") == 404
    assert post(york_coordinator, ack, note="Meet at 8:45") == 403
    assert post(york_police, ack, note="Meet at 8:45") == 403
    school_day = f"/admin/settings/{york.setting_id}/school-day"
    assert post(leeds_coordinator, school_day, school_day_start="08:30") == 404
    assert post(york_police, school_day, school_day_start="08:30") == 403
    assert post(leeds_coordinator, f"/review/{york.review_id}", choice="not_on_roll") == 404
    assert post(leeds_coordinator, f"/admin/key-adults/{york.key_adult_id}/remove") == 404
    assert post(leeds_dsl, f"/admin/key-adults/{york.key_adult_id}/remove") == 403
    # What followed is the setting's to record; the same-child decision the council's.
    follow_up = f"/alerts/{york.alert_id}/follow-up"
    answers = {"attendance": "as_usual", "behaviour": "no_change"}
    assert post(leeds_dsl, follow_up, **answers, support="none_needed", referral="none") == 404
    assert post(york_coordinator, follow_up, **answers) == 403
    assert post(york_police, follow_up, **answers) == 403
    same = f"/alerts/{york.alert_id}/same-child"
    assert post(leeds_coordinator, same, earlier=york.alert_id) == 404
    assert post(signed_in_client(app, york.users["dsl"]), same, earlier=york.alert_id) == 403
    for action in ("password-reset", "two-factor-reset", "unlock"):
        url = f"/admin/key-adults/{york.key_adult_id}/{action}"
        assert post(leeds_coordinator, url) == 404, url
        assert post(leeds_dsl, url) == 403, url
        assert post(york_police, url) == 403, url

    from sqlmodel import select

    from encompass.models import Alert, FollowUp, KeyAdult

    db.expire_all()
    assert db.get(Alert, york.alert_id).acknowledged_at is None
    assert db.exec(select(FollowUp)).all() == []
    assert db.get(KeyAdult, york.key_adult_id).active


def test_it_gives_a_force_only_its_own_notices_on_the_api(client, world):
    york, leeds = world.york, world.leeds

    own = client.get(f"/api/v1/notices/{york.notice_id}", headers=bearer(york.api_key))
    other = client.get(f"/api/v1/notices/{york.notice_id}", headers=bearer(leeds.api_key))

    assert own.status_code == 200 and own.get_json()["id"] == york.notice_id
    assert other.status_code == 404 and "Amelia" not in other.get_data(as_text=True)


def test_it_answers_an_id_past_the_database_range_with_not_found(app, world):
    client = signed_in_client(app, world.york.users["dsl"])
    huge = 2**31

    assert client.get(f"/alerts/{huge}").status_code == 404
    assert client.get(f"/alerts/{huge - 1}").status_code == 404
    api = client.get(f"/api/v1/notices/{huge}", headers=bearer(world.york.api_key))
    assert api.status_code == 404 and api.get_json()["error"] == "not_found"
