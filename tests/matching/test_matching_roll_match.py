"""`encompass roll import` writes what the matcher needs; `roll match` is the live engine."""

import csv
import io

from sqlmodel import select

from encompass.matching.normalise import family_block_key, given_block_key
from encompass.models import NameFrequency, Pupil
from tests.factories import create_setting

ROLL = """setting_urn,given_name,family_name,date_of_birth,postcode,address
121212,William,O'Neill,2017-05-05,YO31 7PB,4 Monkgate
121212,Alexander,Brown,2019-04-03,YO1 7HH,12 Low Street
121345,Alexandra,Brown,2019-04-03,YO1 7HH,12 Low Street
121345,Siân,Smith-Jones,14/09/2018,yo30 6hx,
816901,Amelia,Ward,2016-02-29,YO24 4BP,
"""
CHILDREN = """ref,given_name,family_name,date_of_birth,postcode,address
A,Bill,ONeill,2017-05-05,yo317pb,"4, Monkgate"
B,Alex,Brown,2019-04-03,YO1 7HH,
C,Alexandra,Brown,2019-03-04,YO17HH,12 Low St
D,Smith Jones,Sian,2018-09-14,YO30 6HX,
E,Oliver,Twist,2015-01-01,YO1 7HH,
F,Amelia,Ward,2016-02-29,YO24 4BP,
"""


def schools(db):
    create_setting(db)
    create_setting(db, urn="121345", name="Clifton Green Primary School")
    create_setting(db, urn="816901", name="York Elective Home Education", kind="home_education")


def test_it_writes_the_phonetic_keys_and_name_counts_on_import(cli, db, tmp_path):
    schools(db)
    roll = tmp_path / "roll.csv"
    roll.write_text(ROLL, encoding="utf-8")

    result = cli("roll", "import", str(roll))

    assert result.exit_code == 0, result.output
    sian = db.exec(select(Pupil).where(Pupil.given_name == "Siân")).one()
    assert (sian.given_phon, sian.family_phon) == (
        given_block_key("sian"),
        family_block_key("smith jones"),
    )
    counts = {(f.kind, f.name): f.pupils for f in db.exec(select(NameFrequency))}
    assert counts[("total", "")] == 5
    assert counts[("family", "brown")] == 2
    assert counts[("given", "sian")] == 1


def test_it_matches_a_file_with_the_live_engine(cli, db, tmp_path):
    schools(db)
    roll, children = tmp_path / "roll.csv", tmp_path / "children.csv"
    roll.write_text(ROLL, encoding="utf-8")
    children.write_text(CHILDREN, encoding="utf-8")
    assert cli("roll", "import", str(roll)).exit_code == 0

    result = cli("roll", "match", str(children))

    assert result.exit_code == 0, result.output
    rows = {r["ref"]: r for r in csv.DictReader(io.StringIO(result.stdout))}
    outcomes = {ref: (r["outcome"], r["setting_urn"]) for ref, r in rows.items()}
    assert outcomes == {
        "A": ("matched", "121212"),  # nickname, apostrophe, postcode spacing, address style
        "B": ("review", ""),  # Alex: either twin, at two schools
        "C": ("matched", "121345"),  # the right twin despite day and month swapped
        "D": ("matched", "121345"),  # names swapped, accent and hyphen lost
        "E": ("unmatched", ""),
        "F": ("matched", "816901"),  # on the home education register: that team
    }
    assert rows["A"]["score"] == "1.00"
    assert 0 < float(rows["B"]["score"]) <= 1
    assert rows["E"]["score"] == "0.00"
    assert "roll match: 4 matched, 1 review, 1 unmatched" in result.stderr


def test_a_long_file_comes_back_whole_and_in_order(cli, db, tmp_path):
    """On PostgreSQL a long file is matched by two sessions at once, in parts: the rows
    come back in the file's order, each with the outcome it has alone."""
    schools(db)
    roll, children = tmp_path / "roll.csv", tmp_path / "children.csv"
    roll.write_text(ROLL, encoding="utf-8")
    assert cli("roll", "import", str(roll)).exit_code == 0
    header, *lines = CHILDREN.strip().splitlines()
    copies = [f"{n}{line}" for n in range(60) for line in lines]  # refs 0A ... 59F
    children.write_text("\n".join([header, *copies]) + "\n", encoding="utf-8")

    result = cli("roll", "match", str(children))

    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["ref"] for r in rows] == [line.split(",")[0] for line in copies]
    by_letter = {r["ref"][-1]: r["outcome"] for r in rows[: len(lines)]}
    assert all(r["outcome"] == by_letter[r["ref"][-1]] for r in rows)
    assert "roll match: 240 matched, 60 review, 60 unmatched" in result.stderr


def test_a_missing_or_impossible_date_or_postcode_is_missing_evidence(cli, db, tmp_path):
    """Nothing unreadable stops the names being read: an empty date, 31 November, a
    postcode that is not one, an age instead of a date; middle names and brothers and
    sisters (rows of one `notice`) as a live notice gives them."""
    schools(db)
    roll, children = tmp_path / "roll.csv", tmp_path / "children.csv"
    roll.write_text(ROLL, encoding="utf-8")
    assert cli("roll", "import", str(roll)).exit_code == 0
    children.write_text(
        "ref,given_name,middle_names,family_name,date_of_birth,age_years,postcode,address,notice\n"
        "G,William,,O'Neill,,,YO31 7PB,4 Monkgate,\n"
        "H,William,,O'Neill,31/11/2017,,YO31 7PB,4 Monkgate,\n"
        "I,William,James,O'Neill,2017-05-05,,not known,4 Monkgate,\n"
        "J,William,,O'Neill,,9,YO31 7PB,4 Monkgate,\n"
        "K,William,,O'Neill,,4,YO31 7PB,4 Monkgate,\n"
        "L,Alexander,,Brown,2019-04-03,,YO1 7HH,12 Low Street,N1\n"
        "M,Alexandra,,Brown,2019-04-03,,YO1 7HH,12 Low Street,N1\n",
        encoding="utf-8",
    )

    result = cli("roll", "match", str(children))

    assert result.exit_code == 0, result.output
    rows = {r["ref"]: r for r in csv.DictReader(io.StringIO(result.stdout))}
    # Names and house read (they once went to review at 0.00 unread): William alone has
    # his names at his house, with no date, with an impossible one, and with the postcode
    # unreadable but the date, a middle name and the address there.
    placed = {ref: (rows[ref]["outcome"], rows[ref]["setting_urn"]) for ref in "GHI"}
    assert placed == dict.fromkeys("GHI", ("matched", "121212"))
    # An age that agrees (William is 9) places him; one five years out never does.
    assert (rows["J"]["outcome"], rows["J"]["setting_urn"]) == ("matched", "121212")
    assert rows["K"]["outcome"] == "review"
    # Twins on one notice: each is told from the other.
    assert (rows["L"]["outcome"], rows["L"]["setting_urn"]) == ("matched", "121212")
    assert (rows["M"]["outcome"], rows["M"]["setting_urn"]) == ("matched", "121345")
