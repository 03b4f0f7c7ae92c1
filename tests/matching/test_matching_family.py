"""Brothers and sisters on the same notice: a family that moved together is found by its
children together (encompass/matching/family.py), and a brother or sister never becomes
the child."""

import math
from datetime import date

import pytest
from sqlalchemy import insert
from sqlmodel import select

from encompass.matching import ChildFacts, Sibling, resolve_child
from encompass.matching.frequencies import refresh_name_frequencies
from encompass.matching.normalise import roll_keys
from encompass.models import Child, Pupil
from tests.factories import (
    create_force,
    create_pupil,
    create_setting,
    notice_body,
    submit_notice,
)

DOB = date(2019, 4, 3)
GRACE_DOB = date(2016, 2, 9)


@pytest.fixture
def school(db):
    return create_setting(db)


def common_name(db, setting, count=300):
    """`count` Oliver Smiths at another postcode, none born on DOB."""
    keys = roll_keys("Oliver", "Smith", "YO10 3DD")
    db.execute(
        insert(Pupil),
        [
            {
                "setting_id": setting.id,
                "given_name": "Oliver",
                "family_name": "Smith",
                "date_of_birth": date(2012, 1 + n % 12, 1 + n % 28),
                "postcode": "YO10 3DD",
                "address": "",
                **keys,
            }
            for n in range(count)
        ],
    )
    refresh_name_frequencies(db)
    db.commit()


def moved(given="Oliver", siblings=()) -> ChildFacts:
    """The child after the family moved from 12 Low Street, YO1 7HH (create_pupil's)."""
    return ChildFacts(
        given, "Smith", DOB, postcode="LS1 4AP", address="3 Park Row", siblings=siblings
    )


GRACE = Sibling("Grace", "Smith", GRACE_DOB)


def test_a_family_that_moved_is_found_by_a_brother_or_sister_on_the_notice(db, school):
    common_name(db, school)
    oliver = create_pupil(db, school, given_name="Oliver", family_name="Smith")
    create_pupil(db, school, given_name="Grace", family_name="Smith", date_of_birth=GRACE_DOB)

    alone = resolve_child(db, moved())
    together = resolve_child(db, moved(siblings=(GRACE,)))

    assert alone.outcome == "review", alone
    assert (together.outcome, together.pupil_id) == ("matched", oliver.id), together
    assert together.score > alone.score
    reasons = together.candidates[0].reasons
    assert any(
        r.startswith("Brother or sister: a brother or sister on the same notice lives there (")
        for r in reasons
    ), reasons


def test_a_brother_or_sister_at_another_house_does_not_count(db, school):
    common_name(db, school)
    create_pupil(db, school, given_name="Oliver", family_name="Smith")
    # Grace is on the roll, but at another house in the same postcode.
    create_pupil(db, school, "Grace", "Smith", date_of_birth=GRACE_DOB, address="40 Low Street")

    result = resolve_child(db, moved(siblings=(GRACE,)))

    assert result.outcome == "review"
    assert not any("lives there" in r for r in result.candidates[0].reasons)


def test_a_brother_or_sister_on_the_notice_who_differs_in_birthday_does_not_count(db, school):
    common_name(db, school)
    create_pupil(db, school, given_name="Oliver", family_name="Smith")
    create_pupil(db, school, given_name="Grace", family_name="Smith", date_of_birth=GRACE_DOB)

    result = resolve_child(db, moved(siblings=(Sibling("Grace", "Smith", date(2015, 2, 9)),)))

    assert result.outcome == "review"


def test_a_brother_or_sister_never_makes_another_child_of_the_house_the_child(db, school):
    """Olivia is on no roll; her brother Oliver and sister Grace are, at the old house.
    Grace on the notice is found at Oliver's house, but Olivia is not Oliver."""
    create_pupil(db, school, given_name="Oliver", family_name="Smith")
    create_pupil(db, school, given_name="Grace", family_name="Smith", date_of_birth=GRACE_DOB)

    result = resolve_child(db, moved(given="Olivia", siblings=(GRACE,)))

    assert result.outcome != "matched", result


def test_a_notice_with_two_children_who_moved_matches_both(client, db):
    """Through the API: the officer lists both children at the family's new address."""
    setting = create_setting(db)
    common_name(db, setting)
    oliver = create_pupil(db, setting, given_name="Oliver", family_name="Smith")
    grace = create_pupil(db, setting, "Grace", "Smith", date_of_birth=GRACE_DOB)
    key = create_force(db)[1]
    base = {"family_name": "Smith", "postcode": "LS1 4AP", "address": "3 Park Row"}
    children = [
        {**base, "given_name": "Oliver", "date_of_birth": DOB.isoformat()},
        {**base, "given_name": "Grace", "date_of_birth": GRACE_DOB.isoformat()},
    ]
    template = notice_body()["children"][0]
    notice = submit_notice(client, key, children=[{**template, **c} for c in children])

    rows = db.exec(select(Child).where(Child.notice_id == notice["id"])).all()
    placed = {c.given_name: (c.outcome, c.pupil_id) for c in rows}
    assert placed == {"Oliver": ("matched", oliver.id), "Grace": ("matched", grace.id)}


def test_a_twin_on_no_roll_is_not_made_the_twin_who_is_by_the_family(db, school):
    """Paige is on no roll; her twin Emilia and sister Zara are, at the house. The notice
    lists all three: Emilia and Zara at the house say nothing about who Paige is."""
    create_pupil(db, school, given_name="Emilia", family_name="White")
    create_pupil(db, school, "Zara", "White", date_of_birth=GRACE_DOB)
    paige = ChildFacts(
        "Paige",
        "White",
        DOB,
        postcode="YO1 7HH",
        address="12 Low Street",
        siblings=(Sibling("Emilia", "White", DOB), Sibling("Zara", "White", GRACE_DOB)),
    )

    result = resolve_child(db, paige)

    assert result.outcome != "matched", result
    assert not any(r.startswith("Brother or sister") for c in result.candidates for r in c.reasons)


def test_a_child_with_no_given_name_is_not_found_by_the_family(db, school):
    """With no given name the child could be any child of the house."""
    common_name(db, school)
    create_pupil(db, school, given_name="Oliver", family_name="Smith")
    create_pupil(db, school, given_name="Grace", family_name="Smith", date_of_birth=GRACE_DOB)

    result = resolve_child(db, moved(given="", siblings=(GRACE,)))

    assert result.outcome != "matched", result


def test_brothers_and_sisters_not_at_the_house_count_against_a_family_that_moved(db, school):
    """Oliver Smith on the notice, born the day a pupil Oliver Smith was, with his sister
    Grace, who is on a roll at another house. Had the family moved from the pupil's
    house, she would mostly be on the roll there (how often is learned): this Oliver is
    more likely a namesake."""
    common_name(db, school)
    create_pupil(db, school, given_name="Oliver", family_name="Smith")
    create_pupil(db, school, "Grace", "Smith", GRACE_DOB, postcode="LS6 2AA", address="9 Kirk Row")

    alone = resolve_child(db, moved())
    with_grace = resolve_child(db, moved(siblings=(GRACE,)))

    assert with_grace.score < alone.score
    reasons = with_grace.candidates[0].reasons
    assert any(
        r.startswith("Brother or sister: the brother or sister on the notice is not on the roll")
        for r in reasons
    ), reasons
    # A brother or sister with another surname may live elsewhere: nothing is counted.
    half = resolve_child(db, moved(siblings=(Sibling("Grace", "Jones", GRACE_DOB),)))
    assert half.score == alone.score


def test_what_brothers_and_sisters_away_from_the_house_are_worth_is_learned():
    """One on a roll at another house counts as often as they are learned to be at the
    child's; one on no roll counts only as far as the learned shares on no roll differ,
    for children on a roll and children on none, by its age (a baby is often on no roll
    whoever the child is), and never for the pupil."""
    from encompass.matching.family import absent_bits
    from encompass.matching.weights import Weights

    learned = Weights(
        together_share=0.9,
        off_roll_matched=0.05,
        off_roll_unmatched=0.5,
        off_roll_by_age={"early": (0.4, 0.5), "school": (0.02, 0.4)},
    )
    assert absent_bits(learned, 1, []) == pytest.approx(math.log2(0.1))
    assert absent_bits(learned, 0, [None, None]) == pytest.approx(2 * math.log2(0.1))
    assert absent_bits(learned, 0, ["school"]) == pytest.approx(math.log2(0.05))
    assert absent_bits(learned, 0, ["early"]) == pytest.approx(math.log2(0.8))
    assert absent_bits(Weights(), 0, ["school", None]) == 0.0  # not learned: nothing told
    assert absent_bits(Weights(off_roll_matched=0.6, off_roll_unmatched=0.3), 0, [None]) == 0.0


def test_a_child_is_never_another_child_on_the_same_notice(db, school):
    """Twins on one notice: Yusuf, and his twin whose given name was not taken down. The
    roll has only Yusuf. Surname, birthday and house all agree, but Yusuf is already on
    the notice: the unnamed twin is not him."""
    yusuf = create_pupil(db, school, given_name="Yusuf", family_name="Crancroft")
    twin = ChildFacts("", "Crancroft", DOB, postcode="YO1 7HH", address="12 Low Street")

    alone = resolve_child(db, twin)
    listed = resolve_child(
        db,
        ChildFacts(
            "",
            "Crancroft",
            DOB,
            postcode="YO1 7HH",
            address="12 Low Street",
            siblings=(Sibling("Yusuf", "Crancroft", DOB),),
        ),
    )

    assert (alone.outcome, alone.pupil_id) == ("matched", yusuf.id), alone
    assert listed.outcome != "matched", listed
    assert listed.pupil_id is None


def test_how_often_brothers_and_sisters_share_the_childs_house_is_learned(db, school):
    """Children matched at their own postcode whose brothers and sisters from the notice
    are at the house on the roll: the share is learned above the prior; and each child
    on a stored notice is learned from with the others on it."""
    from encompass.matching.learn import learn_weights
    from encompass.matching.weights import PRIOR_OFF_ROLL, PRIOR_TOGETHER, load_weights

    children = []
    for n, family in enumerate(["Quaresma", "Wojcik", "Ndiaye", "Okonkwo", "Lindqvist"]):
        address = f"{n + 1} Low Street"
        create_pupil(db, school, "Amara", family, address=address)
        create_pupil(db, school, "Tobi", family, date_of_birth=GRACE_DOB, address=address)
        children.append(
            ChildFacts(
                "Amara",
                family,
                DOB,
                postcode="YO1 7HH",
                address=address,
                siblings=(Sibling("Tobi", family, GRACE_DOB),),
            )
        )
    # And children on no roll whose brothers and sisters are on none either.
    for family in ["Abernethy", "Zielinska", "Quarshie"]:
        children.append(
            ChildFacts(
                "Amara",
                family,
                DOB,
                postcode="LS6 2AA",
                siblings=(Sibling("Tobi", family, GRACE_DOB),),
            )
        )
    learn_weights(db, children)
    db.commit()

    weights = load_weights(db)
    assert weights.together_share > PRIOR_TOGETHER
    assert weights.off_roll_matched < PRIOR_OFF_ROLL < weights.off_roll_unmatched
    # Tobi (born 2016) is of school age: the same, for that band, stored and read back.
    school = weights.off_roll("school")
    assert school[0] < PRIOR_OFF_ROLL < school[1]


def test_the_children_seen_are_learned_from_with_their_brothers_and_sisters(client, db):
    from encompass.matching.learn import seen_children

    key = create_force(db)[1]
    template = notice_body()["children"][0]
    children = [
        {**template, "given_name": "Oliver", "family_name": "Smith"},
        {**template, "given_name": "Grace", "family_name": "Smith"},
    ]
    submit_notice(client, key, children=children)

    seen = {c.given_name: c.siblings for c in seen_children(db)}
    assert [s.given_name for s in seen["Oliver"]] == ["Grace"]
    assert [s.given_name for s in seen["Grace"]] == ["Oliver"]
