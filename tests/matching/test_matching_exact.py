"""The first resolver's cases, kept on the matching engine that replaced it: folded names,
review over a guess. (The engine's own cases are in test_matching_engine.py.)"""

from datetime import date

from encompass.matching import ChildFacts, resolve_child
from encompass.matching.normalise import name_key, postcode_key
from tests.factories import create_pupil, create_setting


def test_it_folds_case_accents_apostrophes_and_hyphens():
    assert name_key("Siân O'Neill-Jones") == "sian oneill jones"
    assert name_key("ZOË  o’neill") == "zoe oneill"
    assert postcode_key(" yo1  7hh ") == "YO17HH"


def test_it_matches_one_pupil_whatever_the_accents_and_case(db):
    setting = create_setting(db)
    pupil = create_pupil(db, setting, given_name="Siân", family_name="O'Neill")

    result = resolve_child(db, ChildFacts("SIAN", "o’neill", date(2019, 4, 3), "yo17hh"))

    assert (result.outcome, result.setting_id, result.pupil_id) == ("matched", setting.id, pupil.id)


def test_it_reports_a_child_on_no_roll_as_unmatched(db):
    create_pupil(db, create_setting(db))

    result = resolve_child(db, ChildFacts("Oliver", "Twist", date(2015, 1, 1)))

    assert result.outcome == "unmatched"


def test_it_sends_a_date_of_birth_a_day_out_to_review_instead_of_unmatched(db):
    """The exact matcher called this child unmatched; a day out is a common slip, and
    with nothing else to go on (no postcode) a person decides."""
    create_pupil(db, create_setting(db))

    result = resolve_child(db, ChildFacts("Amelia", "Brown", date(2019, 4, 4)))

    assert result.outcome == "review"


def test_it_sends_two_settings_with_the_same_child_to_review(db):
    create_pupil(db, create_setting(db))
    create_pupil(db, create_setting(db, urn="121345", name="Clifton Green"))

    assert resolve_child(db, ChildFacts("Amelia", "Brown", date(2019, 4, 3))).outcome == "review"


def test_it_uses_the_officers_setting_as_evidence_when_that_roll_has_the_child(db):
    create_pupil(db, create_setting(db))
    other = create_setting(db, urn="121345", name="Clifton Green")
    create_pupil(db, other)

    result = resolve_child(
        db, ChildFacts("Amelia", "Brown", date(2019, 4, 3), setting_urn="121345")
    )

    assert (result.outcome, result.setting_id) == ("matched", other.id)


def test_it_does_not_trust_an_officers_setting_that_lacks_the_child(db):
    create_setting(db, urn="121345", name="Clifton Green")

    result = resolve_child(
        db, ChildFacts("Amelia", "Brown", date(2019, 4, 3), setting_urn="121345")
    )

    assert result.outcome == "unmatched"


def test_it_sends_a_postcode_mismatch_with_a_name_slip_and_a_date_slip_to_review(db):
    create_pupil(db, create_setting(db), postcode="YO1 7HH")

    result = resolve_child(db, ChildFacts("Amelai", "Brown", date(2019, 3, 4), "LS1 4AP"))

    assert result.outcome == "review"
