"""Weights learned from the data; a different postcode is evidence, not a veto; the rules
that guard against households (twins, brothers and sisters) and namesakes, each shown."""

import math
from datetime import date

import pytest
from sqlalchemy import insert
from sqlmodel import select

from encompass.matching import ChildFacts, resolve_child
from encompass.matching.frequencies import refresh_name_frequencies
from encompass.matching.learn import learn_weights
from encompass.matching.normalise import roll_keys
from encompass.matching.score import Comparison, identity_ok
from encompass.matching.weights import load_weights
from encompass.models import MatchWeight, Pupil
from tests.factories import add_namesakes, create_pupil, create_setting

DOB = date(2019, 4, 3)


def child(**kw) -> ChildFacts:
    values = {
        "given_name": "Zuzanna",
        "family_name": "Wojciechowska",
        "date_of_birth": DOB,
        "postcode": "LS1 4AP",  # the family has moved since the roll was made
        "address": "3 Park Row",
    }
    values.update(kw)
    return ChildFacts(**values)


@pytest.fixture
def school(db):
    return create_setting(db)


@pytest.fixture
def other_school(db):
    return create_setting(db, urn="121345", name="Clifton Green Primary School")


def many(db, setting, given, family, count, postcode="YO10 3DD"):
    """`count` pupils called `given family`, none born on DOB: the name becomes common."""
    add_namesakes(db, setting, given, family, count, postcode)


def learn_from_roll(db, setting, postcodes):
    """A pupil of a name of its own at each of `postcodes`; the weights learned from them."""
    db.execute(
        insert(Pupil),
        [
            {
                "setting_id": setting.id,
                "given_name": f"Child{n}",
                "family_name": f"Family{n}",
                "date_of_birth": date(2012, 1 + n % 12, 1 + n % 28),
                "postcode": postcode,
                "address": "",
                **roll_keys(f"Child{n}", f"Family{n}", postcode),
            }
            for n, postcode in enumerate(postcodes)
        ],
    )
    learn_weights(db, [])
    db.commit()


# --- a move is evidence, not a veto ------------------------------------------------------------
def test_a_family_that_moved_is_matched_when_names_and_date_of_birth_are_rare(db, school):
    pupil = create_pupil(db, school, given_name="Zuzanna", family_name="Wojciechowska")

    result = resolve_child(db, child())

    assert (result.outcome, result.pupil_id) == ("matched", pupil.id), result
    reasons = result.candidates[0].reasons
    assert any(r.startswith("Postcode: different (") and "less likely" in r for r in reasons)


def test_a_family_that_moved_goes_to_review_when_the_name_is_common(db, school):
    many(db, school, "Oliver", "Smith", 3000)
    create_pupil(db, school, given_name="Oliver", family_name="Smith")

    result = resolve_child(db, child(given_name="Oliver", family_name="Smith"))

    assert result.outcome == "review"
    assert result.reason == (
        "closest pupil found has a different postcode, and the name is not rare enough"
    )
    assert 0 < result.score < 0.995


def test_a_family_that_moved_with_a_fairly_common_name_goes_to_review(db, school):
    """A fairly common name (300 Oliver Smiths on the rolls), only one born that day, no
    twin: after a move only names and date of birth say who the child is, and a child on
    no roll may share them: on a small pilot roll (counted as 2**17 pupils until the
    on-roll share is learned) that is not certain enough. A person looks. The different
    address is not counted again on top of the different postcode (one move, one piece
    of evidence)."""
    many(db, school, "Oliver", "Smith", 300)
    pupil = create_pupil(db, school, given_name="Oliver", family_name="Smith")
    # Born the same day, same surname, but another family: not a twin.
    create_pupil(db, school, "Olivia", "Smith", postcode="LS6 2AA", address="9 Hyde Park Road")

    result = resolve_child(db, child(given_name="Oliver", family_name="Smith"))

    assert result.outcome == "review", result
    assert result.candidates[0].pupil_id == pupil.id
    assert 0.5 < result.score < 0.995
    reasons = result.candidates[0].reasons
    assert any(r.startswith("Postcode: different") for r in reasons)
    assert not any(r.startswith("Address:") for r in reasons)


def test_a_family_that_moved_with_twins_on_the_roll_goes_to_review(db, school):
    """As above, but Oliver has a twin, Jack (same surname, birthday and house). With a
    common name, a new address and nothing else, only the given name tells the twins
    apart: a person decides."""
    many(db, school, "Oliver", "Smith", 300)
    create_pupil(db, school, given_name="Oliver", family_name="Smith")
    create_pupil(db, school, given_name="Jack", family_name="Smith")

    result = resolve_child(db, child(given_name="Oliver", family_name="Smith"))

    assert result.outcome == "review"
    assert result.score < 0.995


def test_a_family_that_moved_with_a_slip_in_the_name_goes_to_review(db, school):
    """After a move only the names and date of birth say who it is: two slips are too many."""
    create_pupil(db, school, given_name="Zuzanna", family_name="Wojciechowska")

    result = resolve_child(db, child(given_name="Zuzana", date_of_birth=date(2019, 3, 4)))

    assert result.outcome == "review"


# --- households and namesakes -------------------------------------------------------------------
def test_a_twin_on_no_roll_is_not_matched_to_the_twin_who_is(db, school):
    """Same surname, date of birth and house; Olivia is on no roll, Oliver is. Names this
    close could be a slip, but they could be twins: a person decides."""
    create_pupil(db, school, given_name="Oliver")

    result = resolve_child(
        db,
        child(
            given_name="Olivia", family_name="Brown", postcode="YO1 7HH", address="12 Low Street"
        ),
    )

    assert result.outcome == "review"
    assert result.score < 0.999


def test_a_sibling_born_another_year_is_not_matched(db, school):
    """Oliver's sister, born two years later (one digit apart), at the same house."""
    create_pupil(db, school, given_name="Oliver", date_of_birth=date(2017, 4, 3))

    result = resolve_child(
        db,
        child(
            given_name="Olivia", family_name="Brown", postcode="YO1 7HH", address="12 Low Street"
        ),
    )

    assert result.outcome != "matched"


def test_a_namesake_born_the_same_day_at_another_setting_goes_to_review(db, school, other_school):
    """The postcode agrees with one of them, but families move: only a person can tell."""
    create_pupil(db, school, given_name="Zuzanna", family_name="Wojciechowska")
    create_pupil(
        db,
        other_school,
        given_name="Zuzanna",
        family_name="Wojciechowska",
        postcode="LS6 2AA",
        address="9 Hyde Park Road",
    )

    result = resolve_child(db, child(postcode="YO1 7HH", address="12 Low Street"))

    assert result.outcome == "review"
    assert result.reason == "a pupil with the same name and date of birth is at another setting"
    assert {c.setting_id for c in result.candidates} == {school.id, other_school.id}


# --- learning ------------------------------------------------------------------------------------
def test_roll_import_learns_and_stores_the_weights(cli, db, school, tmp_path):
    roll = tmp_path / "roll.csv"
    lines = ["setting_urn,given_name,family_name,date_of_birth,postcode,address"]
    lines += [
        f"121212,Amelia,Brown,2019-04-{1 + n % 28:02d},YO1 7HH,{n} Low Street" for n in range(40)
    ]
    roll.write_text("\n".join(lines) + "\n", encoding="utf-8")

    result = cli("roll", "import", str(roll))

    assert result.exit_code == 0, result.output
    rows = {(w.field, w.level): w for w in db.exec(select(MatchWeight))}
    assert rows[("postcode", "same")].learned_at is not None
    # Every pupil shares one postcode: agreeing on it says less than the prior said.
    assert rows[("postcode", "same")].u > 0.01
    db.expire_all()
    db.info.clear()
    weights = load_weights(db)
    assert weights.bits("postcode", "same") < 7
    assert weights.bits("dob", "exact") > 5


def sixty_pupils(db, school) -> list[Pupil]:
    """Sixty pupils, each with names of its own, at thirty postcodes."""
    for n in range(60):
        create_pupil(
            db,
            school,
            given_name=f"Child{chr(65 + n % 26)}{chr(65 + n // 26)}",
            family_name=f"Family{chr(65 + n % 26)}",
            date_of_birth=date(2016, 1 + n % 12, 1 + n % 28),
            postcode=f"YO{1 + n % 30} {n % 9}AB",
        )
    refresh_name_frequencies(db)
    return list(db.exec(select(Pupil)).all())


def test_it_learns_from_the_notices_how_often_families_have_moved(db, school):
    pupils = sixty_pupils(db, school)

    def notices(moved: bool) -> list[ChildFacts]:
        return [
            ChildFacts(
                p.given_name, p.family_name, p.date_of_birth, "LS1 4AP" if moved else p.postcode
            )
            for p in pupils
        ]

    stayed = learn_weights(db, notices(moved=False))
    moved = learn_weights(db, notices(moved=True))

    assert moved.m[("postcode", "different")] > 3 * stayed.m[("postcode", "different")]
    assert moved.bits("postcode", "different") > stayed.bits("postcode", "different")
    assert 0.5 < moved.on_roll_share <= 1


def test_a_sibling_whose_name_is_a_form_of_the_pupils_is_not_matched(db, school):
    """Olivia (on no roll) and her brother Ollie at the same house: Ollie is a short form
    of Olivia, and the date of birth differs. A date that differs outright is forgiven
    only when the given name agrees outright."""
    create_pupil(db, school, given_name="Ollie", date_of_birth=date(2015, 2, 6))

    result = resolve_child(
        db,
        child(
            given_name="Olivia", family_name="Brown", postcode="YO1 7HH", address="12 Low Street"
        ),
    )

    assert result.outcome != "matched"


def test_a_date_of_birth_entered_wrongly_is_forgiven_when_name_and_house_agree(db, school):
    pupil = create_pupil(db, school, given_name="Zuzanna", family_name="Wojciechowska")

    result = resolve_child(
        db, child(date_of_birth=date(2012, 11, 30), postcode="YO1 7HH", address="12 Low Street")
    )

    assert (result.outcome, result.pupil_id) == ("matched", pupil.id)


# --- the rules on top of the probability, each kept or relaxed for a reason ---------------------
def levels(given="exact", family="exact", dob="exact", postcode="same", address="same", gap=0):
    return Comparison((given, ""), (family, ""), dob, postcode, address, False, gap)


def test_a_wrong_given_name_at_the_house_with_a_near_birthday_is_left_to_the_probability():
    """No brother or sister is born 40 days apart: the dates are one child's, mistyped,
    and the given name is wrong. The probability decides."""
    assert identity_ok(levels(given="different", dob="different", gap=40))
    assert identity_ok(levels(given="different", dob="one_digit", address="missing", gap=10))


def test_a_brother_sister_or_twin_at_the_house_is_never_matched():
    # A brother or sister: another given name, born a year or more apart.
    assert not identity_ok(levels(given="different", dob="different", gap=700))
    assert not identity_ok(levels(given="different", dob="one_digit", gap=365))
    # A twin born either side of midnight.
    assert not identity_ok(levels(given="different", dob="one_day", gap=1))
    # Another given name and birthday, and not even the house agrees: nothing to go on.
    assert not identity_ok(
        levels(given="different", dob="different", postcode="different", address="different")
    )


def test_a_wrong_date_of_birth_is_forgiven_for_the_childs_own_name_at_its_postcode():
    assert identity_ok(levels(dob="different", address="missing", gap=60))
    assert identity_ok(levels(family="spelling", dob="different", address="street", gap=60))
    # A namesake years apart in the same street is someone else; so is a name that is only
    # close (Olivia and her brother Oliver).
    assert not identity_ok(levels(dob="different", address="missing", gap=1100))
    assert not identity_ok(levels(given="spelling", dob="different", address="street", gap=60))


def test_a_missing_given_name_needs_the_house_the_birthday_and_the_surname():
    assert identity_ok(levels(given="missing", family="spelling"))
    assert not identity_ok(levels(given="missing", family="different"))
    assert not identity_ok(levels(given="missing", dob="one_day", gap=1))
    assert not identity_ok(levels(given="missing", postcode="different", address="different"))


def test_a_missing_date_of_birth_needs_the_postcode_or_the_house():
    assert identity_ok(levels(dob="missing", postcode="different", address="same", gap=None))
    assert not identity_ok(
        levels(dob="missing", postcode="different", address="different", gap=None)
    )


def test_the_household_rules_apply_where_the_rolls_hold_households():
    """A given name and a date of birth that both differ, at the same house: a brother or
    sister, wherever the rolls hold brothers and sisters (every council's do). Rolls with
    next to none (learned: under 5% of pupils with a brother or sister on them) have no
    household to confuse the child with, and the probability decides."""
    from encompass.matching.weights import Weights

    sibling = levels(given="different", dob="one_digit", gap=700)
    assert not identity_ok(sibling)
    assert identity_ok(sibling, households=False)
    assert Weights(sibling_share=0.3).households
    assert not Weights(sibling_share=0.01).households
    # Without households still never two of given name, surname and date of birth
    # different outright away from the house, nor a family that moved with two slips.
    assert not identity_ok(
        levels(given="different", family="different", address="street"), households=False
    )
    assert not identity_ok(
        levels(given="spelling", dob="one_day", postcode="different", address="different"),
        households=False,
    )
    # ... except at the same house (postcode and address), where without households
    # nobody else lives with the pupil's surname: two may differ, not three.
    assert identity_ok(levels(given="different", dob="different", gap=9000), households=False)
    assert identity_ok(levels(family="different", dob="different", gap=9000), households=False)
    assert not identity_ok(
        levels(given="different", family="different", dob="different", gap=9000),
        households=False,
    )


def test_a_brother_or_sister_off_the_roll_is_weighed_only_where_rolls_hold_households():
    """The chance that the child is a brother or sister of the pupil who is on no roll
    counts where the rolls hold brothers and sisters; on rolls with next to none the same
    surname at a house is what chance gives, and the weights already count that."""
    from encompass.matching.resolve import household_bits
    from encompass.matching.weights import Weights

    sibling = levels(given="different", dob="different", gap=9000)
    assert len(household_bits(sibling, 20.0, -3.0, -5.0, Weights(sibling_share=0.3))) == 1
    assert household_bits(sibling, 20.0, -3.0, -5.0, Weights(sibling_share=0.01)) == []


def test_the_roll_size_counts_as_it_is_once_the_on_roll_share_is_learned():
    """Until 200 notices have taught the share of children on a roll, a small roll counts
    as 2**17 pupils (a pilot council's roll is not every child there is); after, the roll
    is what it is."""
    from encompass.matching.resolve import LEARNED_FROM, SMALLEST_ROLL, prior_bits
    from encompass.matching.weights import Weights

    guessed = Weights(on_roll_share=0.8, notices=LEARNED_FROM - 1)
    learned = Weights(on_roll_share=0.8, notices=LEARNED_FROM)
    assert prior_bits(guessed, 4_000) == pytest.approx(2 - math.log2(SMALLEST_ROLL))
    assert prior_bits(learned, 4_000) == pytest.approx(2 - math.log2(4_000))
    assert prior_bits(learned, 1_000_000) == prior_bits(guessed, 1_000_000)


@pytest.mark.parametrize(
    ("notice", "roll", "level"),
    [
        ("135 Quick St reet, Kamilaroicottage", "135 Quick Street, Kamilaroi Cottage", "same"),
        ("12 Station Road", "12 Station Road, Harrogate", "same"),
        ("14 Station Road", "12 Station Road, Harrogate", "street"),
        ("Station Road, Harrogate", "12 Station Road, Harrogate", "street"),
        ("12 Low Street, York", "12 High Street, York", "missing"),
        ("12 Park Road, Leeds", "12 Park Lane, Leeds", "missing"),
        ("3 Park Row", "12 Low Street", "different"),
    ],
)
def test_an_address_is_compared_by_its_street_and_house(notice, roll, level):
    from encompass.matching.score import address_level

    assert address_level(notice, roll) == level


@pytest.mark.parametrize(
    ("notice", "roll", "within", "across"),
    [
        # Within one postcode the first line says the house, whatever the town is called.
        ("12 Church Rd, Acomb, York", "12 Church Road, Heworth Green, Tadcaster")
        + ("same", "missing"),
        ("Flat 2, 14 Park Rd, York", "14 Park Road, Heworth", "same", "missing"),
        # Another number, or another street, is not the house even there.
        ("21 Launceston Street, Coonamble", "40 Launceston Street, Coonamble")
        + ("street", "street"),
        ("12 Low Street, Acomb", "12 High Street, York", "missing", "missing"),
    ],
)
def test_within_one_postcode_the_house_number_and_street_say_the_house(
    notice, roll, within, across
):
    from encompass.matching.score import address_level

    assert address_level(notice, roll, True) == within
    assert address_level(notice, roll) == across


@pytest.mark.parametrize(
    ("notice", "roll", "level"),
    [
        ("YO103DD", "YO103DD", "same"),
        ("YO103DD", "YO103DE", "sector"),
        ("YO103DD", "YO013DD", "slip"),  # two characters swapped
        ("CF098AA", "CF089AA", "slip"),  # across the space
        ("YO103DD", "YO104DD", "slip"),  # one mistyped
        ("YO103DD", "YO108AB", "district"),
        ("YO103DD", "YO13DD", "area"),  # YO1 and YO10 are other districts of York
        ("YO103DD", "LS64AB", "different"),
    ],
)
def test_a_postcode_one_typing_slip_away_is_told_from_a_move(notice, roll, level):
    from encompass.matching.score import postcode_level

    assert postcode_level(notice, roll) == level


def test_a_child_whose_postcode_was_mistyped_is_matched_where_a_move_would_not_be(db, school):
    """A fairly common name, no address: after a move the child goes to review (above),
    but a postcode one slip from the pupil's is a typing slip far more often than a move
    to that very postcode, and counts as evidence for the pupil."""
    many(db, school, "Oliver", "Smith", 300)
    pupil = create_pupil(db, school, "Oliver", "Smith", postcode="YO10 3DD", address="")

    typed = resolve_child(db, child(given_name="Oliver", family_name="Smith", postcode="YO13 0DD"))
    moved = resolve_child(db, child(given_name="Oliver", family_name="Smith", address=""))

    assert (typed.outcome, typed.pupil_id) == ("matched", pupil.id), typed
    reasons = typed.candidates[0].reasons
    assert "Postcode: one character mistyped or two swapped" in " ".join(reasons)
    assert moved.outcome == "review"


def test_what_a_postcode_in_the_same_area_is_worth_is_learned_from_the_rolls(db, school):
    """A move within the area (York to York) is evidence for the pupil where the rolls
    span many areas, and next to none where every pupil lives in one: the share of pupil
    pairs in one area is learned from the rolls."""
    from encompass.matching.weights import PRIOR_U

    postcodes = [f"YO{n % 40 + 1} {n % 9}AB" for n in range(600)]
    learn_from_roll(db, school, postcodes)

    weights = load_weights(db)
    assert weights.u[("postcode", "area")] > 2 * PRIOR_U["postcode"]["area"]
    assert weights.bits("postcode", "area") < weights.bits("postcode", "district")


def test_a_move_is_weighed_by_how_many_pupils_live_in_the_childs_postcode_area(db, school):
    """A county's rolls: nearly every pupil in York's area (YO), two in Leeds (LS). A child
    from Leeds differs in area from nearly every pupil, so a pupil in York with its name
    proves more against a move than the average over all pairs says; a child in York
    matched to a pupil in Leeds differs from few."""
    postcodes = [f"YO{n % 30 + 1} {n % 9}AB" for n in range(300)] + ["LS6 2AA", "LS1 4AP"]
    learn_from_roll(db, school, postcodes)

    weights = load_weights(db)
    assert weights.area_shares["YO"] == pytest.approx(300 / 302)
    average = weights.bits("postcode", "different")
    assert (
        weights.postcode_bits("different", "LS")
        < average
        < weights.postcode_bits("different", "YO")
    )
    assert weights.postcode_bits("same", "LS") == weights.bits("postcode", "same")


def test_it_learns_how_often_two_pupils_postcodes_are_a_slip_apart(db, school):
    """Two streets whose postcodes differ by one character: a slip between their pupils
    is common here, and the weight of a slip is learned lower than the prior's."""
    from encompass.matching.weights import PRIOR_U

    for n in range(40):
        postcode = "YO10 3DD" if n % 2 else "YO10 4DD"
        create_pupil(db, school, f"Child{n}", f"Family{n}", postcode=postcode, address="")
    learn_weights(db, [])
    db.commit()

    u = load_weights(db).u[("postcode", "slip")]
    assert u > 10 * PRIOR_U["postcode"]["slip"]


def test_it_learns_how_many_children_of_each_age_are_on_a_roll(db, school):
    """Children under school age are often at no setting; school-age children mostly are
    on a roll. The share is learned for each and sets the prior: the same evidence makes
    a pupil less likely for a toddler than for a ten-year-old."""
    from datetime import UTC, datetime

    from encompass.matching.resolve import prior_bits

    pupils = sixty_pupils(db, school)
    school_age = [
        ChildFacts(p.given_name, p.family_name, p.date_of_birth, p.postcode) for p in pupils
    ]
    toddlers = [
        ChildFacts(
            f"Baby{chr(65 + n % 26)}", "Nobody", date(2024, 1 + n % 12, 1 + n % 28), "LS1 4AP"
        )
        for n in range(60)
    ]

    weights = learn_weights(db, school_age + toddlers, now=datetime(2026, 11, 30, tzinfo=UTC))

    assert weights.on_roll("early") < 0.5 < weights.on_roll("school")
    assert weights.on_roll(None) == weights.on_roll_share
    assert prior_bits(weights, 60, "early") < prior_bits(weights, 60, "school")
    db.expire_all()
    db.info.clear()
    assert load_weights(db).on_roll_by_age == pytest.approx(weights.on_roll_by_age)
