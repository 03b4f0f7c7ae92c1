"""`encompass ladder set|show`: validated, scoped, and never changing a live alert."""

import json

from sqlmodel import select

from encompass.alerts.ladder import DEFAULT_LADDER
from encompass.models import EscalationLadder
from tests.factories import create_setting


def test_it_sets_and_shows_a_councils_ladder(cli, db, tmp_path):
    path = tmp_path / "ladder.json"
    path.write_text(json.dumps([DEFAULT_LADDER[0], DEFAULT_LADDER[3]]))

    result = cli("ladder", "set", str(path), "--la", "816")
    shown = cli("ladder", "show", "--la", "816")

    assert result.exit_code == 0, result.output
    assert [s["name"] for s in json.loads(shown.output)] == ["dsl", "coordinator"]
    assert db.exec(select(EscalationLadder)).one().la_code == "816"


def test_it_shows_the_default_where_none_is_set(cli, db):
    create_setting(db)
    shown = cli("ladder", "show", "--setting", "121212")
    assert json.loads(shown.output) == DEFAULT_LADDER


def test_it_refuses_a_bad_ladder_and_changes_nothing(cli, db, tmp_path):
    path = tmp_path / "ladder.json"
    for content, message in [
        ("[", "is not JSON"),
        (json.dumps([DEFAULT_LADDER[0]]), "one step must mark the alert escalated"),
        (
            json.dumps(
                [{**DEFAULT_LADDER[0], "notify": [{"role": "caretaker", "channels": ["sms"]}]}]
            ),
            "role must be one of",
        ),
        (
            json.dumps(
                [
                    DEFAULT_LADDER[0],
                    {**DEFAULT_LADDER[3], "notify": [{"role": "coordinator", "channels": ["fax"]}]},
                ]
            ),
            "channels must be some of",
        ),
    ]:
        path.write_text(content)
        result = cli("ladder", "set", str(path), "--la", "816")
        assert result.exit_code != 0 and message in result.output, result.output
    assert db.exec(select(EscalationLadder)).all() == []
    assert cli("ladder", "show").exit_code != 0
