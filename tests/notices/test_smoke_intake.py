from tests.factories import (
    bearer,
    create_force,
    create_key_adult,
    create_pupil,
    create_setting,
    notice_body,
)


def test_it_matches_a_child_on_the_roll_and_queues_an_alert(client, db):
    setting = create_setting(db)
    create_key_adult(db, setting)
    create_pupil(db, setting)
    _, key = create_force(db)

    response = client.post("/api/v1/notices", json=notice_body(), headers=bearer(key))

    assert response.status_code == 201, response.json
    child = response.json["children"][0]
    assert child["outcome"] == "matched"
    assert child["setting"] == {"urn": "121212", "name": "St Wilfrid's RC Primary School"}
    assert child["alert"]["status"] == "pending"
