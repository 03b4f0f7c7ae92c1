"""The matcher's evidence, kept as it wrote it, in plain words a coordinator acts on."""

import pytest

from encompass.review.words import plain_evidence


@pytest.fixture
def app(make_app):
    return make_app()


def plain(app, *lines, sibling=""):
    with app.test_request_context("/"):
        return plain_evidence(list(lines), sibling)


def test_agreeing_names_and_a_move_read_as_a_coordinator_says_them(app):
    words = plain(
        app,
        "Given name: agrees (430 times likelier to be this pupil)",
        "Surname: agrees (450 times likelier to be this pupil)",
        "Date of birth: agrees (4,600 times likelier to be this pupil)",
        "Postcode: another district in the same area (2.0 times less likely to be this pupil)",
        "Brother or sister: a brother or sister on the same notice lives there (35,000 times "
        "likelier to be this pupil)",
        sibling="Leo, also on this notice, matched at Oakfield Primary School: same house",
    )
    assert words == [
        "same name and date of birth",
        "lives at a new address",
        "Leo, also on this notice, matched at Oakfield Primary School: same house",
    ]


def test_slips_and_the_house_are_named_without_weights(app):
    words = plain(
        app,
        "Given name: Alex is a form of Alexandra (12 times likelier to be this pupil)",
        "Surname: a spelling or typing slip (20 times likelier to be this pupil)",
        "Date of birth: day and month swapped (9.0 times likelier to be this pupil)",
        "Postcode: agrees (40 times likelier to be this pupil)",
        "Address: same house (8.0 times likelier to be this pupil)",
        "Officer's setting: the setting named (32 times likelier to be this pupil)",
        "Full name: 3 other pupils on the rolls have both names (2.0 times likelier to be "
        "this pupil)",
    )
    assert words == [
        "Alex is a form of Alexandra",
        "surname spelt slightly differently",
        "date of birth with day and month swapped",
        "same house",
        "at the setting the officer named",
        "3 other pupils on the rolls have both names",
    ]
    assert not any("times" in w for w in words)


def test_no_date_of_birth_reads_the_age_and_a_brother_on_the_notice_is_not_the_child(app):
    words = plain(
        app,
        "Given name: agrees (430 times likelier to be this pupil)",
        "Surname: agrees (450 times likelier to be this pupil)",
        "Age: the age given agrees (6.8 times likelier to be this pupil)",
        "Another child on the notice: another child on this notice has this pupil's names and "
        "date of birth (1,000,000 times less likely to be this pupil)",
    )
    assert words == [
        "same name",
        "the age the police gave fits",
        "this pupil is another child on the notice",
    ]
