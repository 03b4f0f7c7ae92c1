"""Our matching engine and Splink on the same files, in one run, one table.

For each error model (bench/linkage_models.py: our generator; FEBRL 1, 2, 3 and 4
reshaped into a roll plus notices; moved families with OCR errors and middle names; a
county where families moved, children go by other surnames and some dates are not
known) the roll is imported into a fresh SQLite database with the real `roll import`
code, the engine learns its weights from the roll and from the notices (unlabelled, as it
learns from the notices it sees in service), and every notice is resolved with the live
engine.
Splink gets the same roll and notices: unsupervised (u by random sampling, m by
expectation maximisation), its default comparisons for given name and surname
(term-frequency adjusted), date of birth, postcode and address, run by DuckDB in its own
virtual environment.

Reported per model: false matches (a notice matched to a pupil who is not the child, or
a child on no roll matched at all), recall (children on a roll matched to the right
setting), the share sent to review (ours), the time; for Splink at match probability
0.5, and at the lowest threshold at which it makes no false match ("best"). Also how
many notices a careful person could place with certainty from the fields alone.

Slices of the children on a roll, found from the files (not from the models' error
labels), each with ours and Splink's best recall: notices with no readable date of
birth; families that moved (postcode and first line of the address both differ from
every roll row of the child's); a middle name given as the given name where the roll has
"Given Middle". And the asks each floor would make (encompass/review/ask.py
`ask_candidate`, at ASK_FLOOR 0.5, 0.7, 0.8 and 0.9): of the children we send to review,
those whose best candidate's setting would be asked, and whether it is the child's own.

Splink is not a project dependency. Make its environment once (outside the repository):

    python3.11 -m venv /work/venvs/splink
    /work/venvs/splink/bin/pip install splink recordlinkage duckdb pandas

then, from the repository:

    .venv/bin/python bench/matching_vs_splink.py                 # every model, doc updated
    .venv/bin/python bench/matching_vs_splink.py --models febrl2 --no-doc
    .venv/bin/python bench/matching_vs_splink.py --splink-python /path/to/python
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import subprocess
import tempfile
import time
from collections import Counter, defaultdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import common
import linkage_models
from linkage_models import Case, Notice
from sqlalchemy import select
from sqlmodel import Session, col

from encompass.db import make_engine
from encompass.db.migrate import upgrade
from encompass.matching import ChildFacts, Sibling, resolve_child
from encompass.matching.normalise import house_line, name_key, postcode_key
from encompass.models import Pupil, Setting
from encompass.onboarding.rolls import import_roll
from encompass.review import ask

SPLINK_SIDE = Path(__file__).with_name("splink_side.py")
DEFAULT_SPLINK = os.environ.get("SPLINK_PYTHON", "/work/venvs/splink/bin/python")
MODELS = ("generator", "febrl1", "febrl2", "febrl3", "febrl4", "moved_ocr", "county")
# The ask floors compared (encompass/review/ask.py ASK_FLOOR).
FLOORS = (0.5, 0.7, 0.8, 0.9)


# --- the files both engines read ---------------------------------------------------------------
def write_files(case: Case, workdir: Path) -> tuple[Path, Path, Path]:
    """(roll for `roll import`, roll for Splink, notices for Splink)."""
    roll = workdir / f"{case.name}-roll.csv"
    splink_roll = workdir / f"{case.name}-splink-roll.csv"
    with (
        roll.open("w", newline="", encoding="utf-8") as ours,
        splink_roll.open("w", newline="", encoding="utf-8") as theirs,
    ):
        a, b = csv.writer(ours), csv.writer(theirs)
        a.writerow(
            ["setting_urn", "given_name", "family_name", "date_of_birth", "postcode", "address"]
            + ["upn"]
        )
        b.writerow(SPLINK_COLUMNS)
        for n, (urn, given, family, dob, postcode, address, person) in enumerate(case.roll):
            a.writerow([urn, given, family, dob, postcode, address, person])
            b.writerow(_splink_row(f"R{n}:{person}", given, family, dob, postcode, address))
    notices = workdir / f"{case.name}-splink-notices.csv"
    with notices.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(SPLINK_COLUMNS)
        for x in case.notices:
            writer.writerow(
                _splink_row(
                    x.ref,
                    x.given,
                    x.family,
                    x.dob.isoformat() if x.dob else "",
                    x.postcode,
                    x.address,
                )
            )
    return roll, splink_roll, notices


SPLINK_COLUMNS = ["unique_id", "given_name", "family_name", "date_of_birth", "postcode", "address"]


def _splink_row(
    uid: str, given: str, family: str, dob: str, postcode: str, address: str
) -> list[str]:
    """Splink expects standardised input: names folded, postcodes spaced."""
    key = postcode_key(postcode)
    spaced = f"{key[:-3]} {key[-3:]}" if len(key) >= 5 else ""
    return [uid, name_key(given), name_key(family), dob, spaced, name_key(address)]


# --- our engine --------------------------------------------------------------------------------
def run_ours(case: Case, roll: Path, workdir: Path) -> dict[str, Any]:
    url = f"sqlite:///{workdir / (case.name + '.db')}"
    upgrade(url)
    engine = make_engine(url)
    with Session(engine) as session:
        for s in case.settings:
            session.add(
                Setting(
                    urn=s.urn,
                    name=s.name,
                    kind=s.kind,
                    la_code=s.la_code,
                    la_name=case.council_names.get(s.la_code, s.la_code),
                    postcode=s.postcode,
                )
            )
        session.commit()
    with Session(engine) as session:
        started = time.perf_counter()
        report = import_roll(session, roll)
        session.commit()
        imported = time.perf_counter() - started
    learned = learn(engine, case.notices)
    rows: list[dict[str, Any]] = []
    with Session(engine) as session:
        urns = dict(session.execute(select(col(Setting.id), col(Setting.urn))).all())
        kinds = dict(session.execute(select(col(Setting.id), col(Setting.kind))).all())
        started = time.perf_counter()
        for n in case.notices:
            result = resolve_child(session, facts(n), today=linkage_models.TODAY)
            # A review item's candidates as the ask rule reads them (ReviewItem.candidates).
            candidates = [
                {
                    "pupil_id": c.pupil_id,
                    "setting_id": c.setting_id,
                    "setting_kind": kinds.get(c.setting_id, ""),
                    "score": c.score,
                    "urn": urns.get(c.setting_id),
                }
                for c in (result.candidates if result.outcome == "review" else ())
            ]
            rows.append(
                {
                    "notice": n,
                    "outcome": result.outcome,
                    "urn": urns.get(result.setting_id) if result.setting_id else None,
                    "pupil_id": result.pupil_id,
                    "score": result.score,
                    "candidates": candidates,
                }
            )
        resolved = time.perf_counter() - started
        ids = [r["pupil_id"] for r in rows if r["pupil_id"]]
        upns: dict[int, str] = {}
        for start in range(0, len(ids), 500):
            upns.update(
                session.execute(
                    select(col(Pupil.id), col(Pupil.upn)).where(
                        col(Pupil.id).in_(ids[start : start + 500])
                    )
                ).all()  # type: ignore[arg-type]
            )
    engine.dispose()
    for r in rows:
        r["person"] = upns.get(r["pupil_id"]) if r["pupil_id"] else None
    return {
        "rows": rows,
        "accepted": report.accepted,
        "rejected": len(report.rejected),
        "import_seconds": round(imported, 2),
        "learn_seconds": learned,
        "resolve_seconds": round(resolved, 2),
    }


def learn(engine: Any, notices: list[Notice]) -> float:
    """The engine's weights, learned from the roll and the notices (without their truth)."""
    try:
        from encompass.matching.learn import learn_weights
    except ImportError:
        return 0.0
    started = time.perf_counter()
    with Session(engine) as session:
        learn_weights(session, [facts(n) for n in notices])
        session.commit()
    return round(time.perf_counter() - started, 2)


def facts(n: Notice) -> ChildFacts:
    return ChildFacts(
        given_name=n.given,
        family_name=n.family,
        date_of_birth=n.dob,
        postcode=n.postcode or None,
        address=n.address,
        siblings=tuple(Sibling(*sibling) for sibling in n.siblings),
        age_years=n.age_years,
    )


def score_ours(rows: list[dict[str, Any]]) -> dict[str, Any]:
    on_roll = [r for r in rows if r["notice"].truth_person]
    matched = [
        r for r in rows if r["outcome"] == "matched" or (r["outcome"] == "no_setting" and r["urn"])
    ]
    right = [r for r in matched if _right(r)]
    by_error: dict[str, Counter[str]] = defaultdict(Counter)
    for r in on_roll:
        errors = list(r["notice"].errors)
        key = "none" if not errors else (errors[0] if len(errors) == 1 else "two or more")
        by_error[key]["notices"] += 1
        by_error[key]["matched" if r in right else r["outcome"]] += 1
    return {
        "false_matches": len(matched) - len(right),
        "recall": len(right) / len(on_roll) if on_roll else 0.0,
        "review_share": sum(r["outcome"] == "review" for r in rows) / len(rows),
        "by_error": {k: dict(v) for k, v in sorted(by_error.items())},
        "false_examples": [_example(r) for r in matched if not _right(r)][:10],
    }


def asks(rows: list[dict[str, Any]], floor: float) -> dict[str, int]:
    """Of the children sent to review, those whose best candidate's setting the ask rule
    (encompass/review/ask.py, at this floor) would ask: right (the child's own setting),
    wrong (another; of which the child is on no roll)."""
    asked = right = wrong = wrong_off_roll = 0
    kept = ask.ASK_FLOOR
    ask.ASK_FLOOR = floor  # the rule as it stands, at this floor
    try:
        for r in rows:
            if r["outcome"] != "review":
                continue
            chosen = ask.ask_candidate(r["candidates"])
            if chosen is None:
                continue
            asked += 1
            n: Notice = r["notice"]
            if n.truth_person and chosen["urn"] in n.truth_settings:
                right += 1
            else:
                wrong += 1
                wrong_off_roll += n.truth_person is None
    finally:
        ask.ASK_FLOOR = kept
    return {"asked": asked, "right": right, "wrong": wrong, "wrong_off_roll": wrong_off_roll}


def _right(r: dict[str, Any]) -> bool:
    n: Notice = r["notice"]
    if not n.truth_person or r["urn"] not in n.truth_settings:
        return False
    return r["person"] is None or r["person"] == n.truth_person


def _example(r: dict[str, Any]) -> dict[str, Any]:
    n: Notice = r["notice"]
    return {"ref": n.ref, "errors": n.errors, "truth": n.truth_person, "got": r["person"]}


# --- Splink ------------------------------------------------------------------------------------
def run_splink(python: str, roll: Path, notices: Path, workdir: Path) -> dict[str, Any]:
    out = workdir / (roll.stem + "-splink-out.csv")
    started = time.perf_counter()
    done = subprocess.run(
        [python, str(SPLINK_SIDE), "link", str(roll), str(notices), str(out)],
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"Splink failed:\n{done.stderr[-3000:]}")
    with out.open(newline="", encoding="utf-8") as fh:
        best = {row["ref"]: row for row in csv.DictReader(fh)}
    detail = json.loads(done.stdout.strip().splitlines()[-1])
    return {"best": best, "seconds": round(seconds, 2), "detail": detail}


def score_splink(case: Case, best: dict[str, dict[str, str]]) -> dict[str, Any]:
    on_roll = sum(1 for n in case.notices if n.truth_person)
    scored = []
    for n in case.notices:
        row = best.get(n.ref)
        if row is None:
            continue
        person = row["pupil"].split(":", 1)[1]
        scored.append((float(row["probability"]), person == n.truth_person))
    scored.sort(key=lambda s: -s[0])

    def at(threshold: float) -> tuple[int, float]:
        hits = [ok for p, ok in scored if p >= threshold]
        return len(hits) - sum(hits), sum(hits) / on_roll if on_roll else 0.0

    false_half, recall_half = at(0.5)
    # The best recall with no false match: every notice down to the first wrong one.
    right = 0
    best_threshold = 1.0
    for p, ok in scored:
        if not ok:
            break
        right += 1
        best_threshold = p
    found = {
        n.ref
        for n in case.notices
        if n.ref in best
        and float(best[n.ref]["probability"]) >= best_threshold
        and best[n.ref]["pupil"].split(":", 1)[1] == n.truth_person
    }
    return {
        "false_at_half": false_half,
        "recall_at_half": recall_half,
        "best_recall": right / on_roll if on_roll else 0.0,
        "best_threshold": best_threshold,
        "best_found": found,
    }


# --- slices ----------------------------------------------------------------------------------
SLICES = {
    "no_dob": "no readable date of birth",
    "moved": "moved (postcode and address both differ from the roll's)",
    "middle_as_given": "middle name as the given name (roll: Given Middle)",
}


def slices(case: Case) -> dict[str, list[str]]:
    """The refs of the notices of children on a roll in each slice, found from the files."""
    rows: dict[str, list[tuple[str, str, tuple[str, str]]]] = defaultdict(list)
    for _, given, _, _, postcode, address, person in case.roll:
        rows[person].append((name_key(given), postcode_key(postcode), house_line(address)))
    out: dict[str, list[str]] = {name: [] for name in SLICES}
    for n in case.notices:
        if not n.truth_person or n.truth_person not in rows:
            continue
        if n.dob is None:
            out["no_dob"].append(n.ref)
        key, house = postcode_key(n.postcode), house_line(n.address)
        if key and house[0] and all(key != pc and house != h for _, pc, h in rows[n.truth_person]):
            out["moved"].append(n.ref)
        given = name_key(n.given)
        if given and any(
            len(g.split()) > 1 and given in g.split()[1:] and given != g.split()[0]
            for g, _, _ in rows[n.truth_person]
        ):
            out["middle_as_given"].append(n.ref)
    return out


def score_slices(
    refs: dict[str, list[str]],
    rows: list[dict[str, Any]],
    splink_found: set[str],
    placed: set[str],
) -> dict[str, dict[str, int]]:
    by_ref = {r["notice"].ref: r for r in rows}
    return {
        name: {
            "notices": len(members),
            "matched": sum(_right(by_ref[ref]) for ref in members),
            "review": sum(by_ref[ref]["outcome"] == "review" for ref in members),
            "splink": sum(ref in splink_found for ref in members),
            "placeable": sum(ref in placed for ref in members),
        }
        for name, members in refs.items()
    }


# --- what a careful person could place ------------------------------------------------------------
def placeable(case: Case) -> set[str]:
    """The notices of children on a roll whose pupil agrees exactly with the notice on at
    least three of given name, surname, date of birth and postcode, where no other pupil
    agrees as well."""
    fields = lambda g, f, d, p: (name_key(g), name_key(f), d, postcode_key(p))  # noqa: E731
    index: dict[tuple[Any, ...], set[str]] = defaultdict(set)
    leave_out = [(1, 2, 3), (0, 2, 3), (0, 1, 3), (0, 1, 2)]
    for _, given, family, dob, postcode, _, person in case.roll:
        values = fields(given, family, dob, postcode)
        for keep in leave_out:
            index[(keep, *(values[i] for i in keep))].add(person)
    out = set()
    for n in case.notices:
        if not n.truth_person:
            continue
        values = fields(n.given, n.family, n.dob.isoformat() if n.dob else "", n.postcode)
        found: set[str] = set()
        for keep in leave_out:
            if all(values[i] for i in keep):
                found |= index.get((keep, *(values[i] for i in keep)), set())
        if found == {n.truth_person}:
            out.add(n.ref)
    return out


def moved_singled_out(case: Case, rows: list[dict[str, Any]]) -> tuple[int, int]:
    """Children whose only difference from the roll is a move (a new address and
    postcode), whose names and date of birth single out one person on the roll: (how
    many, how many the engine matched to their own setting)."""
    people: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    for _, given, family, dob, _, _, person in case.roll:
        people[(name_key(given), name_key(family), dob)].add(person)
    found = matched = 0
    for r in rows:
        n: Notice = r["notice"]
        if not n.truth_person or tuple(n.errors) != ("moved_house",) or n.dob is None:
            continue
        if people.get((name_key(n.given), name_key(n.family), n.dob.isoformat())) != {
            n.truth_person
        }:
            continue
        found += 1
        matched += _right(r)
    return found, matched


# --- the run -------------------------------------------------------------------------------------
def build(name: str, args: argparse.Namespace, workdir: Path) -> Case:
    if name == "generator":
        return linkage_models.generator(args.pupils, args.notices, args.seed)
    if name == "moved_ocr":
        return linkage_models.moved_ocr(args.pupils, args.notices, args.seed)
    if name == "county":
        return linkage_models.county(args.pupils, args.notices, args.seed)
    raw = workdir / f"{name}-raw.csv"
    subprocess.run([args.splink_python, str(SPLINK_SIDE), "febrl", name[-1], str(raw)], check=True)
    return linkage_models.febrl(name[-1], raw, args.seed)


def section(result: dict[str, Any]) -> str:
    lines = [
        "Written by `bench/matching_vs_splink.py` "
        f"({result['date']}; seed {result['args']['seed']}). Both engines read the same roll "
        "and notices in the same run; the error models are described in "
        "`bench/linkage_models.py`. Splink "
        f"{result['splink_version']} ran unsupervised (u by random sampling, m by "
        "expectation maximisation) with its default comparisons for given name and surname "
        "(term-frequency adjusted), date of birth, postcode and address. A false match is a "
        "notice matched to a pupil who is not the child (or a child on no roll matched at "
        "all); recall counts children on a roll matched to their own setting.",
        "",
        "| model | roll / notices (on a roll) | careful person could place | ours: false matches | "
        "ours: recall | ours: to review | ours: time | Splink p>=0.5: false / recall | "
        "Splink best with no false match: recall (threshold) | Splink: time |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for m in result["models"]:
        o, s = m["ours"], m["splink"]
        lines.append(
            f"| {m['name']} | {m['roll']:,} / {m['notices']:,} ({m['on_roll']:,}) | "
            f"{m['placeable']:,} ({m['placeable'] / m['on_roll']:.1%}) | "
            f"**{o['false_matches']}** | "
            f"**{o['recall']:.2%}** | {o['review_share']:.2%} | {o['seconds']:.1f} s | "
            f"{s['false_at_half']} / {s['recall_at_half']:.2%} | {s['best_recall']:.2%} "
            f"({s['best_threshold']:.3f}) | {s['seconds']:.1f} s |"
        )
    lines += [
        "",
        "Children whose only difference from the roll is a move (new address and postcode) "
        "and whose names and date of birth single out one person on the roll: "
        + "; ".join(
            f"{m['name']} {m['ours']['moved_singled_out'][1]:,} of "
            f"{m['ours']['moved_singled_out'][0]:,} matched"
            for m in result["models"]
            if m["ours"]["moved_singled_out"][0]
        )
        + ".",
    ]
    lines += [
        "",
        "Time: ours is `roll import` + learning the weights + resolving every notice one at a "
        "time with the live engine (SQLite); Splink's is its whole run (loading, training, "
        "predicting) in DuckDB.",
        "",
        "Slices of the children on a roll, found from the files: no readable date of birth "
        "on the notice (empty or impossible, such as 31 November); moved (the notice's "
        "postcode and first line of the address both differ from every roll row of the "
        "child's); a middle name given as the given name where the roll has 'Given Middle'. "
        "Ours: matched to the right setting / sent to review; Splink: found at its best "
        "threshold with no false match; a careful person: as in the table above (three "
        "fields exactly as on the roll, no other pupil as close).",
        "",
        "| model | slice | notices | careful person could place | ours: matched | "
        "ours: to review | Splink best: found |",
        "|---|---|---|---|---|---|---|",
    ]
    for m in result["models"]:
        for name, c in m["ours"]["slices"].items():
            if not c["notices"]:
                continue
            n = c["notices"]
            lines.append(
                f"| {m['name']} | {SLICES[name]} | {n:,} | {c['placeable']:,} "
                f"({c['placeable'] / n:.1%}) | {c['matched']:,} "
                f"({c['matched'] / n:.1%}) | {c['review']:,} ({c['review'] / n:.1%}) | "
                f"{c['splink']:,} ({c['splink'] / n:.1%}) |"
            )
    lines += [
        "",
        "Asking the setting: of the children we send to review (on a roll or not), those "
        "the ask rule (`encompass/review/ask.py` `ask_candidate`: the best candidate at the "
        "floor or more, no pupil at another setting above the review level) would put to "
        "one setting at each floor, and whether that setting is the child's own.",
        "",
        "| model | to review (on a roll) | floor | asked (share of review) | right setting | "
        "wrong setting | wrong: child on no roll |",
        "|---|---|---|---|---|---|---|",
    ]
    for m in result["models"]:
        review = round(m["ours"]["review_share"] * m["notices"])
        for floor, c in m["ours"]["asks"].items():
            lines.append(
                f"| {m['name']} | {review:,} ({m['ours']['review_on_roll']:,}) | {floor} | "
                f"{c['asked']:,} ({c['asked'] / review if review else 0:.0%}) | "
                f"{c['right']:,} | **{c['wrong']:,}** | {c['wrong_off_roll']:,} |"
            )
    for m in result["models"]:
        lines += [
            "",
            f"**{m['name']}**: {m['description']}. Ours, children on a roll, by the error on "
            "the notice:",
            "",
            "| error | notices | matched | review | unmatched |",
            "|---|---|---|---|---|",
        ]
        for error, counts in m["ours"]["by_error"].items():
            n = counts["notices"]
            lines.append(
                f"| {error.replace('_', ' ')} | {n:,} | {counts.get('matched', 0) / n:.1%} | "
                f"{counts.get('review', 0) / n:.1%} | "
                f"{(n - counts.get('matched', 0) - counts.get('review', 0)) / n:.1%} |"
            )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--models", default=",".join(MODELS))
    parser.add_argument("--pupils", type=int, default=100_000)
    parser.add_argument("--notices", type=int, default=5_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--splink-python", default=DEFAULT_SPLINK)
    parser.add_argument("--no-doc", action="store_true", help="do not touch docs/benchmarks.md")
    parser.add_argument("--keep", action="store_true", help="keep the files and databases")
    args = parser.parse_args()
    if not Path(args.splink_python).exists():
        raise SystemExit(
            f"no Python at {args.splink_python}: make Splink's environment first (see the "
            "docstring), or say where it is with --splink-python"
        )
    version = subprocess.run(
        [args.splink_python, "-c", "import splink; print(splink.__version__)"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    workdir = Path(tempfile.mkdtemp(prefix="encompass-vs-splink-"))
    models = []
    for name in args.models.split(","):
        case = build(name, args, workdir)
        roll, splink_roll, splink_notices = write_files(case, workdir)
        ours = run_ours(case, roll, workdir)
        theirs = run_splink(args.splink_python, splink_roll, splink_notices, workdir)
        scored = score_ours(ours["rows"])
        scored["moved_singled_out"] = moved_singled_out(case, ours["rows"])
        scored["seconds"] = ours["import_seconds"] + ours["learn_seconds"] + ours["resolve_seconds"]
        scored.update({k: v for k, v in ours.items() if k != "rows"})
        splink = score_splink(case, theirs["best"])
        splink["seconds"] = theirs["seconds"]
        placed = placeable(case)
        scored["slices"] = score_slices(
            slices(case), ours["rows"], splink.pop("best_found"), placed
        )
        scored["asks"] = {str(floor): asks(ours["rows"], floor) for floor in FLOORS}
        scored["review_on_roll"] = sum(
            r["outcome"] == "review" and bool(r["notice"].truth_person) for r in ours["rows"]
        )
        model = {
            "name": name,
            "description": case.description,
            "roll": len(case.roll),
            "notices": len(case.notices),
            "on_roll": sum(1 for n in case.notices if n.truth_person),
            "placeable": len(placed),
            "ours": scored,
            "splink": splink,
        }
        models.append(model)
        print(
            f"{name}: ours false {scored['false_matches']} recall {scored['recall']:.4f} "
            f"review {scored['review_share']:.4f} ({scored['seconds']:.1f} s); splink "
            f"p>=0.5 false {splink['false_at_half']} recall {splink['recall_at_half']:.4f}, "
            f"best {splink['best_recall']:.4f} ({splink['seconds']:.1f} s); placeable "
            f"{model['placeable']}/{model['on_roll']}; moved and singled out: matched "
            f"{scored['moved_singled_out'][1]} of {scored['moved_singled_out'][0]}",
            flush=True,
        )
        for slice_name, counts in scored["slices"].items():
            print(f"  slice {slice_name}: {counts}", flush=True)
        for floor, counts in scored["asks"].items():
            print(f"  ask floor {floor}: {counts}", flush=True)
        for example in scored["false_examples"]:
            print(f"  false: {example}", flush=True)
    result = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "args": vars(args),
        "splink_version": version,
        "machine": common.machine_info(None),
        "models": models,
    }
    common.RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    (common.RESULTS / f"matching-vs-splink-{stamp}.json").write_text(
        json.dumps(result, indent=2, default=str) + "\n"
    )
    if not args.no_doc:
        common.update_doc({"Matching against Splink": section(result)})
    if not args.keep:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
