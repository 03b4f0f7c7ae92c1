"""The matching engine on a real database: precise when it can be, review when in doubt."""

from datetime import date

import pytest
from sqlalchemy import insert, text

from encompass.matching import ChildFacts, resolve_child
from encompass.matching.frequencies import refresh_name_frequencies
from encompass.matching.normalise import roll_keys
from encompass.matching.score import given_level
from encompass.models import Pupil
from tests.factories import add_namesakes, create_pupil, create_setting

DOB = date(2019, 4, 3)


def facts(**kw) -> ChildFacts:
    values = {
        "given_name": "Amelia",
        "family_name": "Brown",
        "date_of_birth": DOB,
        "postcode": "YO1 7HH",
        "address": "",
    }
    values.update(kw)
    return ChildFacts(**values)


@pytest.fixture
def school(db):
    return create_setting(db)


@pytest.fixture
def other_school(db):
    return create_setting(db, urn="121345", name="Clifton Green Primary School")


# --- normalisation, end to end ---------------------------------------------------------------
@pytest.mark.parametrize(
    ("on_roll", "on_notice"),
    [
        (("Siân", "O'Neill"), ("SIAN", "o’neill")),  # case, accents, curly apostrophe
        (("Zoë", "Smith-Jones"), ("Zoe", "Smith Jones")),  # hyphen written as a space
        (("Zoë", "Smith-Jones"), ("Zoe", "Jones")),  # one part of a double-barrelled name
        (("Seán", "Ó Briain"), ("Sean", "O Briain")),
        (("Amelia Rose", "Brown"), ("Amelia", "Brown")),  # middle name on the roll only
        (("Amelia", "Brown"), ("Amelia Rose", "Brown")),  # middle name on the notice only
        (("Amelia Rose", "Brown"), ("Rose", "Brown")),  # known by her middle name
        (("Imogen Isabella", "Brown"), ("Isabela", "Brown")),  # ... written with a slip
        (("Isabela", "Brown"), ("Imogen Isabella", "Brown")),  # the roll has it as given
        (("Amelia", "Brown"), ("Brown", "Amelia")),  # given name and surname swapped
        (("William", "Brown"), ("Bill", "Brown")),  # nickname
        (("Amelia", "Brown"), ("Millie", "Brown")),  # short form
        (("Alfie", "Brown"), ("Alfred", "Brown")),  # the roll has the short form
        (("Amelia", "Brown"), ("Amelai", "Brown")),  # a typing slip
        (("Amelia", "Thompson"), ("Amelia", "Thomson")),  # a spelling slip
    ],
)
def test_it_matches_a_pupil_whatever_way_the_name_is_written(db, school, on_roll, on_notice):
    pupil = create_pupil(db, school, given_name=on_roll[0], family_name=on_roll[1])

    result = resolve_child(db, facts(given_name=on_notice[0], family_name=on_notice[1]))

    assert (result.outcome, result.setting_id, result.pupil_id) == (
        "matched",
        school.id,
        pupil.id,
    ), result
    assert result.score == 1.0


@pytest.mark.parametrize(
    ("child", "pupil", "level"),
    [
        ("isla", "isla anaya", "exact"),  # the middle name not given on the notice
        ("isla anaya", "isla", "exact"),  # ... or not on the roll
        ("isla rose", "isla anaya", "first_exact"),  # both given, and they differ
        ("anaya", "isla anaya", "middle"),  # known by her middle name
        ("anya", "isla anaya", "middle"),  # ... written with a slip
        ("isla anaya", "anaya", "middle"),  # the roll has the middle name as given
        ("ada", "isla anaya", "different"),  # not a slip of either
    ],
)
def test_given_name_levels(child, pupil, level):
    assert given_level(child, pupil)[0] == level


@pytest.mark.parametrize("postcode", ["yo17hh", "YO1  7HH", "yo1 7HH"])
def test_it_reads_the_postcode_in_any_spacing(db, school, postcode):
    create_pupil(db, school)

    assert resolve_child(db, facts(postcode=postcode)).outcome == "matched"


# --- dates of birth ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("given", "why"),
    [
        (date(2019, 3, 4), "day and month swapped"),
        (date(2017, 4, 3), "one digit different"),
        (date(2019, 4, 4), "one day out"),
    ],
)
def test_it_matches_despite_a_common_date_of_birth_error_when_the_rest_agrees(
    db, school, given, why
):
    pupil = create_pupil(db, school)

    result = resolve_child(db, facts(date_of_birth=given))

    assert (result.outcome, result.pupil_id) == ("matched", pupil.id)
    assert any(why in reason for reason in result.candidates[0].reasons)


def test_it_sends_a_date_of_birth_error_without_a_postcode_to_review(db, school):
    """With a name this common, a slipped date and nothing else could be someone else."""
    add_namesakes(db, school, "Amelia", "Brown", 2000, "LS1 4AP")
    create_pupil(db, school)

    result = resolve_child(db, facts(date_of_birth=date(2019, 3, 4), postcode=None))

    assert result.outcome == "review"
    assert result.candidates and result.candidates[0].score < 1.0


def test_it_does_not_match_a_sibling_at_the_same_address(db, school):
    """Same surname, postcode and address, another child: never this one."""
    create_pupil(db, school, given_name="Oliver", date_of_birth=date(2017, 6, 1))

    result = resolve_child(db, facts(address="12 Low Street"))

    assert result.outcome != "matched"


# --- twins ------------------------------------------------------------------------------------
def twins(db, first_setting, second_setting, names=("Oliver", "Olivia")):
    return [
        create_pupil(db, setting, given_name=name, family_name="Brown")
        for name, setting in zip(names, (first_setting, second_setting), strict=True)
    ]


def test_it_finds_the_right_twin_when_the_given_name_is_clear(db, school, other_school):
    oliver, olivia = twins(db, school, other_school)

    for name, twin in (("Olivia", olivia), ("Oliver", oliver), ("Livvy", olivia)):
        result = resolve_child(db, facts(given_name=name))
        assert (result.outcome, result.pupil_id) == ("matched", twin.id), name


@pytest.mark.parametrize(
    ("names", "given"),
    [
        (("Alexander", "Alexandra"), "Alex"),  # short for either
        (("Oliver", "Olivia"), "Ollie"),
    ],
)
def test_it_sends_twins_it_cannot_tell_apart_to_review(db, school, other_school, names, given):
    twins(db, school, other_school, names=names)

    result = resolve_child(db, facts(given_name=given))

    assert result.outcome == "review"
    assert result.reason == "pupils at different settings are too close to tell apart"
    assert len(result.candidates) == 2


def test_a_name_written_as_a_twins_own_is_never_matched_to_the_other_by_a_middle_name(
    db, school, other_school
):
    """'Isabela' is within a slip of Imogen Isabella's middle name, and is her twin's own
    given name: the twin whose name it is comes first, and the other is never matched."""
    imogen, isabela = twins(db, school, other_school, names=("Imogen Isabella", "Isabela"))

    result = resolve_child(db, facts(given_name="Isabela"))

    assert result.pupil_id != imogen.id
    assert result.candidates[0].pupil_id == isabela.id


def test_it_is_certain_of_the_setting_when_both_twins_attend_it(db, school):
    twins(db, school, school, names=("Alexander", "Alexandra"))

    result = resolve_child(db, facts(given_name="Alex"))

    assert (result.outcome, result.setting_id, result.pupil_id) == ("matched", school.id, None)


def test_it_does_not_guess_a_twin_for_a_name_like_neither(db, school):
    twins(db, school, school, names=("Jack", "Harry"))

    assert resolve_child(db, facts(given_name="Charlie")).outcome == "review"


# --- the officer's setting is evidence, not an override ---------------------------------------
def test_it_uses_the_officers_setting_to_choose_between_identical_pupils(db, school, other_school):
    create_pupil(db, school)
    pupil = create_pupil(db, other_school)

    result = resolve_child(db, facts(setting_urn="121345"))

    assert (result.outcome, result.pupil_id) == ("matched", pupil.id)


def test_it_matches_against_the_officers_setting_when_the_roll_says_otherwise(
    db, school, other_school
):
    pupil = create_pupil(db, school)

    result = resolve_child(db, facts(setting_urn=other_school.urn))

    assert (result.outcome, result.setting_id, result.pupil_id) == ("matched", school.id, pupil.id)
    assert any("another setting named" in r for r in result.candidates[0].reasons)


def test_it_does_not_let_the_officers_setting_make_a_doubtful_pupil_certain(
    db, school, other_school
):
    create_pupil(db, other_school, date_of_birth=date(2016, 9, 30))

    result = resolve_child(db, facts(setting_urn=other_school.urn))

    assert result.outcome == "review"


def test_it_does_not_trust_an_officers_setting_that_lacks_the_child(db, other_school):
    result = resolve_child(db, facts(setting_urn=other_school.urn))

    assert result.outcome == "unmatched"


# --- nothing near, and the evidence a match needs ---------------------------------------------
def test_it_reports_a_child_on_no_roll_as_unmatched(db, school):
    create_pupil(db, school, given_name="Jack", family_name="Smith", postcode="LS1 4AP")

    result = resolve_child(db, facts())

    assert (result.outcome, result.candidates) == ("unmatched", ())


def test_a_postcode_that_differs_is_evidence_against_not_a_veto(db, school):
    """A family that moved: the name and date of birth still single her out. With her
    date of birth wrong as well, only a person can tell."""
    pupil = create_pupil(db, school, postcode="YO1 7HH")

    moved = resolve_child(db, facts(postcode="LS1 4AP"))
    assert (moved.outcome, moved.pupil_id) == ("matched", pupil.id)
    assert any(r.startswith("Postcode: different") for r in moved.candidates[0].reasons)

    doubtful = resolve_child(db, facts(postcode="LS1 4AP", date_of_birth=date(2016, 9, 30)))
    assert doubtful.outcome != "matched"


def test_it_matches_a_common_name_without_a_postcode_only_when_the_address_agrees(db, school):
    """An exact name and date of birth with nothing else is not enough when the name is
    common: a namesake born the same day may be on no roll (at a million pupils, one child
    in 4,000 on no roll shared a pupil's names and birthday: bench/matching_eval.py)."""
    common = roll_keys("Oliver", "Smith", "LS1 4AP")
    db.execute(
        insert(Pupil),
        [
            {
                "setting_id": school.id,
                "given_name": "Oliver",
                "family_name": "Smith",
                "date_of_birth": date(2010, 1, 1).replace(day=1 + n % 28),
                "postcode": "LS1 4AP",
                "address": "",
                **common,
            }
            for n in range(3000)
        ],
    )
    pupil = create_pupil(db, school, given_name="Oliver", family_name="Smith")
    rare = create_pupil(db, school, given_name="Zuzanna", family_name="Wojciechowska")
    refresh_name_frequencies(db)
    db.commit()

    common_name = facts(given_name="Oliver", family_name="Smith", postcode=None)
    assert resolve_child(db, common_name).outcome == "review"
    with_address = facts(
        given_name="Oliver", family_name="Smith", postcode=None, address="12, Low St"
    )
    assert resolve_child(db, with_address).pupil_id == pupil.id
    rare_name = facts(given_name="Zuzanna", family_name="Wojciechowska", postcode=None)
    assert resolve_child(db, rare_name).pupil_id == rare.id


def test_it_never_matches_when_too_many_pupils_are_alike_to_read_them_all(db, school, monkeypatch):
    import encompass.matching.candidates as candidates

    monkeypatch.setattr(candidates, "MAX_CANDIDATES", 3)
    create_pupil(db, school)
    for name in ("Oliver", "Harry"):
        create_pupil(db, school, given_name=name)

    result = resolve_child(db, facts())

    assert (result.outcome, result.reason) == (
        "review",
        "too many pupils alike to compare them all",
    )


# --- children with no setting -----------------------------------------------------------------
def test_it_sends_an_unborn_child_to_the_fallback_team(db):
    result = resolve_child(db, facts(date_of_birth=None, unborn=True))

    assert (result.outcome, result.setting_id) == ("no_setting", None)


def test_it_sends_a_child_under_school_age_on_no_roll_to_the_fallback_team(db):
    toddler = facts(date_of_birth=date(2024, 5, 1))

    assert resolve_child(db, toddler, today=date(2026, 11, 23)).outcome == "no_setting"
    assert resolve_child(db, toddler).outcome == "unmatched"  # no date: no age rule


def test_it_matches_a_child_under_school_age_on_an_early_years_roll(db):
    nursery = create_setting(db, urn="EY452100", name="Little Acorns", kind="early_years")
    pupil = create_pupil(db, nursery, date_of_birth=date(2024, 5, 1))

    result = resolve_child(db, facts(date_of_birth=date(2024, 5, 1)), today=date(2026, 11, 23))

    assert (result.outcome, result.pupil_id) == ("matched", pupil.id)


def test_it_sends_a_child_on_no_roll_of_school_age_to_review_not_the_fallback_team(db):
    result = resolve_child(db, facts(), today=date(2026, 11, 23))

    assert result.outcome == "unmatched"


def test_it_routes_a_child_on_the_home_education_register_to_the_council(db):
    team = create_setting(
        db, urn="816900", name="York Elective Home Education", kind="home_education"
    )
    pupil = create_pupil(db, team)

    result = resolve_child(db, facts(), today=date(2026, 11, 23))

    assert (result.outcome, result.setting_id, result.pupil_id) == ("no_setting", team.id, pupil.id)
    assert result.reason == "on the council's home education register"


# --- the database does the searching ----------------------------------------------------------
def test_it_searches_the_rolls_through_indexes_not_a_scan(db, backend):
    from encompass.matching.candidates import BlockingKeys, query_for

    keys = BlockingKeys.for_child("amelia", "brown", DOB, "YO17HH")
    sql, params = query_for(keys, sqlite=backend == "sqlite")
    indexes = ("ix_pupil_dob_phon", "ix_pupil_dob_given", "ix_pupil_postcode")
    assert_indexes(db, backend, sql, params, *indexes)


def assert_indexes(db, backend, sql, params, *indexes):
    """The statement reads the pupils through indexes (on SQLite, these among them)."""
    if backend == "sqlite":
        plan = db.connection().exec_driver_sql("EXPLAIN QUERY PLAN " + sql, tuple(params))
        details = [row[-1] for row in plan]
        assert details and all("SCAN pupil" not in d for d in details), details
        for index in indexes:
            assert any(index in d for d in details), (index, details)
    else:
        db.execute(text("SET enable_seqscan = off"))
        plan = db.connection().exec_driver_sql("EXPLAIN " + sql, tuple(params))
        lines = [row[0] for row in plan]
        assert not any("Seq Scan on pupil" in line for line in lines), lines


def test_its_second_look_also_goes_through_indexes(db, backend):
    from encompass.matching.candidates import BlockingKeys, query_for

    keys = BlockingKeys.for_child("amelia", "brown", DOB, "YO17HH", "12 Low Street")
    sql, params = query_for(keys, sqlite=backend == "sqlite", names_only=True)
    # Both names; the date with each name; the house; the postcode.
    assert sql.count("SELECT *") == 5
    assert_indexes(
        db, backend, sql, params, "ix_pupil_house", "ix_pupil_names", "ix_pupil_postcode"
    )


def test_it_finds_a_child_by_the_house_when_the_postcode_and_a_name_are_mistyped(db, school):
    """The postcode's district mistyped and the surname misheard (nothing sounds alike,
    no block by date or postcode finds her): the same house on the roll does."""
    pupil = create_pupil(
        db, school, "Amelia", "Brown", postcode="YO1 7HH", address="12 Low Street, York"
    )

    result = resolve_child(
        db, facts(family_name="Crown", postcode="YO7 1HH", address="12 Low St, York")
    )

    assert result.candidates and result.candidates[0].pupil_id == pupil.id, result
    assert any(r.startswith("Address: same house") for r in result.candidates[0].reasons)


def test_it_finds_a_child_at_its_postcode_whose_names_and_date_are_all_mistyped(db, school):
    """Both names mistyped beyond their sounds (Emiiy for Emiily, Negenht for Negent) and
    the date of birth in another year: no block by names or date finds her, the second
    look at everyone at her postcode does, and the same house says who she is."""
    pupil = create_pupil(
        db, school, "Emiily", "Negent", postcode="YO10 3DD", address="26 Hopegood Place, York"
    )

    result = resolve_child(
        db,
        facts(
            given_name="Emiiy",
            family_name="Negenht",
            date_of_birth=date(2018, 10, 20),
            postcode="YO10 3DD",
            address="26 Hopegood Place",
        ),
    )

    assert result.candidates and result.candidates[0].pupil_id == pupil.id, result
    assert any(r.startswith("Address: same house") for r in result.candidates[0].reasons)
