"""The coverage page: settings that could not be alerted properly, never silence."""

from pathlib import Path

from sqlmodel import select

from encompass.db import utcnow
from encompass.models import KeyAdult
from tests.factories import create_key_adult, create_setting, create_user
from tests.helpers import sign_in

DATA = Path(__file__).resolve().parents[1] / "data"


def test_it_lists_settings_with_no_term_dates_or_too_few_key_adults(client, db, cli):
    ready = create_setting(db, urn="121212", name="St Wilfrid's", roll_imported_at=utcnow())
    create_key_adult(db, ready, "dsl", "Helen Carter")
    create_key_adult(db, ready, "deputy", "Raj Patel", phone="+447911100002")
    # Both have set their passwords (accepted their invitations).
    create_user(db, "helen.carter@school.example.org", "dsl", setting_urn="121212")
    create_user(db, "raj.patel@school.example.org", "dsl", setting_urn="121212")
    bare = create_setting(db, urn="121345", name="Clifton Green")
    create_setting(db, urn="999001", name="Leeds school", la_code="383")
    for adult in db.exec(select(KeyAdult)).all():
        adult.phone_verified_at = utcnow()
        db.add(adult)
    db.commit()
    create_user(db, "coord@york.example.gov.uk", "coordinator", la_code="816")
    sign_in(client, "coord@york.example.gov.uk")

    before = client.get("/admin/coverage").get_data(as_text=True)
    assert cli("calendar", "import", str(DATA / "york_terms.ics"), "--la", "816").exit_code == 0
    after = client.get("/admin/coverage").get_data(as_text=True)

    assert "St Wilfrid" in before and "no term dates" in before
    assert "St Wilfrid" not in after
    assert bare.name in after
    assert "no DSL" in after and "fewer than 2 Key Adults (0)" in after
    assert "Leeds school" not in after
    assert "1 of 2 settings are fully set up" in after
