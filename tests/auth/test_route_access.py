"""Every route has an explicit access decision, and the decision is enforced."""

from encompass.auth.access import access_decision
from tests.factories import create_force, create_setting, create_user


def test_it_has_an_access_decision_on_every_route(app):
    undecided = [
        rule.rule
        for rule in app.url_map.iter_rules()
        if access_decision(app.view_functions[rule.endpoint]) is None
    ]
    assert undecided == []


def test_it_refuses_a_route_added_without_a_decision(make_app):
    app = make_app()
    app.add_url_rule("/forgotten", "forgotten", lambda: "secret")

    response = app.test_client().get("/forgotten")

    assert response.status_code == 403
    assert b"secret" not in response.data


def test_it_sends_anonymous_users_to_sign_in_from_every_role_page(client):
    for path in (
        "/dsl/",
        "/police/notices",
        "/admin/settings",
        "/alerts/1",
        "/alerts/1/follow-up",
        "/admin/children/repeated",
        "/admin/children/repeated.csv",
    ):
        response = client.get(path)
        assert response.status_code == 302, path
        assert "/login" in response.headers["Location"]


def _sign_in(client, email):
    from tests.factories import PASSWORD

    page = client.get("/login").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    response = client.post(
        "/login", data={"email": email, "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302, response.get_data(as_text=True)


def test_it_gives_each_role_only_its_own_pages(client, db):
    create_setting(db)
    create_force(db)
    create_user(db, "dsl@school.example.org", "dsl", setting_urn="121212")
    create_user(db, "pc@police.example.org", "police", force_name="North Yorkshire Police")

    _sign_in(client, "dsl@school.example.org")
    assert client.get("/dsl/").status_code == 200
    assert client.get("/police/notices").status_code == 403
    assert client.get("/admin/settings").status_code == 403

    client.post("/logout", data={})  # without a CSRF token nothing happens
    assert client.get("/dsl/").status_code == 200


def test_it_refuses_sign_in_with_a_wrong_password_and_audits_it(client, db):
    from sqlmodel import select

    from encompass.models import AuditEvent

    create_user(db, "admin@example.org", "admin")
    page = client.get("/login").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]

    response = client.post(
        "/login", data={"email": "admin@example.org", "password": "wrong", "csrf_token": token}
    )

    assert response.status_code == 400
    assert "Error: Sign in" in response.get_data(as_text=True)
    actions = [e.action for e in db.exec(select(AuditEvent))]
    assert actions == ["signin.failed"]


def test_it_refuses_a_sign_in_post_without_a_csrf_token(client, db):
    create_user(db, "admin@example.org", "admin")
    from tests.factories import PASSWORD

    response = client.post("/login", data={"email": "admin@example.org", "password": PASSWORD})

    assert response.status_code == 400
    assert client.get("/admin/settings").status_code == 302
