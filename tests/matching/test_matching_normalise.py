"""What the matcher compares: names, postcodes and dates folded the way people get them wrong."""

from datetime import date

import pytest

from encompass.matching.dates import (
    digit_dates,
    dob_level,
    near_dates,
    reception_start,
    under_school_age,
)
from encompass.matching.nicknames import related
from encompass.matching.normalise import (
    address_words,
    family_block_key,
    family_primary,
    given_block_key,
    house_key,
    name_key,
    postcode_key,
    roll_keys,
    search_keys,
)
from encompass.matching.score import slip


@pytest.mark.parametrize(
    ("written", "key"),
    [
        ("AMELIA", "amelia"),  # case
        ("Siân", "sian"),  # accents
        ("Zoë", "zoe"),
        ("Seán Ó Briain", "sean o briain"),
        ("O'Neill", "oneill"),  # apostrophes, straight and curly
        ("O’Neill", "oneill"),
        ("Smith-Jones", "smith jones"),  # hyphens are word breaks
        ("  Mary   Jane ", "mary jane"),  # several given names, any spacing
        ("Anne-Marie", "anne marie"),
    ],
)
def test_it_folds_names(written, key):
    assert name_key(written) == key


@pytest.mark.parametrize("written", ["YO1 7HH", "yo17hh", " yo1  7HH ", "Yo1 7hH"])
def test_it_reads_postcodes_in_any_spacing_and_case(written):
    assert postcode_key(written) == "YO17HH"


def test_it_files_a_surname_under_its_main_word():
    assert family_primary("smith jones") == "smith"
    assert family_primary("o neill") == "oneill"
    assert family_primary("van der berg") == "vanderberg"


def test_it_gives_names_that_sound_alike_one_key():
    assert family_block_key("smith") == family_block_key("smyth")
    assert family_block_key("mcdonald") == family_block_key("macdonald")
    assert family_block_key("thompson") == family_block_key("thomson")
    assert given_block_key("aidan") == given_block_key("ayden")
    assert given_block_key("mohammed") == given_block_key("muhammad")


def test_it_searches_for_a_child_under_nicknames_and_either_name_order():
    keys = search_keys("alex", "smith")
    assert given_block_key("alexandra") in keys
    assert given_block_key("alexander") in keys
    assert family_block_key("smith") in keys
    # "Smith Alex": the names the wrong way round find the same pupils.
    assert set(search_keys("smith", "alex")) == set(keys)


def test_it_writes_every_key_a_pupil_is_found_by():
    keys = roll_keys("Siân", "O'Neill", "yo1 7hh", "Flat 2, 14 Park Road")
    assert keys == {
        "given_key": "sian",
        "family_key": "oneill",
        "postcode_key": "YO17HH",
        "given_phon": given_block_key("sian"),
        "family_phon": family_block_key("oneill"),
        "address_key": "YO 14 park",
    }


def test_a_house_is_filed_under_its_area_number_and_street():
    assert house_key("21 Bayly P lace, Pacific Terraces", "CF29 9AA") == "CF 21 bayl"
    assert house_key("Flat 2, 14 Park Road", "YO10 3DD") == "YO 14 park"
    # Nothing to file it under: no postcode, no house number.
    assert house_key("14 Park Road", "") == ""
    assert house_key("Rose Cottage, Park Road", "YO10 3DD") == ""


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("bill", "william"),
        ("william", "billy"),
        ("millie", "amelia"),
        ("alfie", "alfred"),
        ("liz", "beth"),  # both short for Elizabeth
        ("aidan", "aiden"),  # spellings of one name
    ],
)
def test_it_knows_common_nicknames_and_short_forms(a, b):
    assert related(a, b)


@pytest.mark.parametrize(
    ("a", "b"), [("oliver", "olivia"), ("jack", "harry"), ("amelia", "amelia")]
)
def test_it_does_not_call_different_names_nicknames(a, b):
    assert not related(a, b)


@pytest.mark.parametrize(
    ("a", "b", "is_slip"),
    [
        ("oliver", "olivr", True),  # a letter missed
        ("jack", "jakc", True),  # two letters swapped
        ("chapman", "chapamn", True),
        ("katherine", "catharine", True),  # two edits, but they sound the same
        ("jack", "harry", False),
        ("al", "ali", False),  # too short to call it a slip
    ],
)
def test_it_recognises_a_spelling_or_typing_slip(a, b, is_slip):
    assert slip(a, b) is is_slip


@pytest.mark.parametrize(
    ("given", "on_roll", "level"),
    [
        (date(2019, 4, 3), date(2019, 4, 3), "exact"),
        (date(2019, 3, 4), date(2019, 4, 3), "swapped"),
        (date(2019, 4, 4), date(2019, 4, 3), "one_day"),
        (date(2019, 3, 31), date(2019, 4, 1), "one_day"),
        (date(2017, 4, 3), date(2019, 4, 3), "one_digit"),
        (date(2019, 4, 13), date(2019, 4, 3), "one_digit"),
        (date(2019, 4, 12), date(2019, 4, 21), "transposed"),
        (date(2016, 9, 30), date(2019, 4, 3), "different"),
    ],
)
def test_it_names_the_common_date_of_birth_errors(given, on_roll, level):
    assert dob_level(given, on_roll) == level


def test_it_blocks_on_the_dates_a_date_of_birth_is_mistaken_for():
    dob = date(2019, 4, 3)
    assert set(near_dates(dob)) == {dob, date(2019, 3, 4), date(2019, 4, 2), date(2019, 4, 4)}
    far = digit_dates(dob)
    assert date(2017, 4, 3) in far  # a year digit
    assert date(2019, 4, 13) in far  # a day digit
    assert date(2019, 9, 3) in far  # a month digit
    assert dob not in far and date(2019, 3, 4) not in far
    assert all(d.year >= 1990 for d in far)


def test_it_knows_when_a_child_can_start_school():
    assert reception_start(date(2021, 8, 31)) == date(2025, 9, 1)
    assert reception_start(date(2021, 9, 1)) == date(2026, 9, 1)
    assert under_school_age(date(2023, 1, 10), today=date(2026, 11, 23))
    assert not under_school_age(date(2021, 8, 31), today=date(2026, 11, 23))


def test_it_reads_house_numbers_and_streets_with_abbreviations():
    assert address_words("Flat 2, 5 Monkgate Rd") == (
        frozenset({"2", "5"}),
        frozenset({"flat", "monkgate", "road"}),
    )
