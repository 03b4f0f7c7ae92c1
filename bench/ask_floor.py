"""Which ASK_FLOOR (encompass/review/ask.py): the wrong asks each floor would make.

For one error model of bench/linkage_models.py (no Splink needed: `generator` or
`moved_ocr`), the roll is imported with the real `roll import`, the engine learns its
weights as in bench/matching_vs_splink.py, and every notice is resolved. Of the children
the engine sends to review, each floor counts those whose best candidate would be asked
(`ask_candidate`: one pupil at the floor or more, no pupil at another setting above the
review level) and whether the asked setting is the child's own (right), another (wrong:
the child is on another roll, or on none).

    .venv/bin/python bench/ask_floor.py --model moved_ocr --pupils 20000 --notices 3000

Small by default: the CPU may be shared. Prints a table for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path
from typing import Any

import linkage_models
import matching_vs_splink as bench
from sqlalchemy import select
from sqlmodel import Session, col

from encompass.db import make_engine
from encompass.db.migrate import upgrade
from encompass.matching import resolve_child
from encompass.models import Pupil, Setting
from encompass.onboarding.rolls import import_roll
from encompass.review import ask

FLOORS = (0.5, 0.7, 0.8, 0.9)


def review_bound(case: linkage_models.Case, workdir: Path) -> list[dict[str, Any]]:
    roll, _, _ = bench.write_files(case, workdir)
    url = f"sqlite:///{workdir / (case.name + '.db')}"
    upgrade(url)
    engine = make_engine(url)
    with Session(engine) as session:
        for s in case.settings:
            session.add(
                Setting(urn=s.urn, name=s.name, kind=s.kind, la_code=s.la_code, postcode=s.postcode)
            )
        session.commit()
    with Session(engine) as session:
        import_roll(session, roll)
        session.commit()
    bench.learn(engine, case.notices)
    out = []
    with Session(engine) as session:
        urns = dict(session.execute(select(col(Setting.id), col(Setting.urn))).all())
        kinds = dict(session.execute(select(col(Setting.id), col(Setting.kind))).all())
        for n in case.notices:
            result = resolve_child(session, bench.facts(n), today=linkage_models.TODAY)
            if result.outcome != "review":
                continue
            candidates = [
                {
                    "pupil_id": c.pupil_id,
                    "setting_id": c.setting_id,
                    "setting_kind": kinds.get(c.setting_id, ""),
                    "score": c.score,
                }
                for c in result.candidates
            ]
            best = max(candidates, key=lambda c: c["score"]) if candidates else None
            person = (
                session.execute(select(col(Pupil.upn)).where(Pupil.id == best["pupil_id"])).scalar()
                if best
                else None
            )
            out.append(
                {
                    "notice": n,
                    "candidates": candidates,
                    "urn": urns.get(best["setting_id"]) if best else None,
                    "person": person,
                }
            )
    engine.dispose()
    return out


def count(rows: list[dict[str, Any]], floor: float) -> dict[str, int]:
    asked = right = wrong = wrong_off_roll = 0
    ask.ASK_FLOOR = floor  # the rule as it stands, at this floor
    for r in rows:
        if ask.ask_candidate(r["candidates"]) is None:
            continue
        asked += 1
        n = r["notice"]
        if n.truth_person and r["urn"] in n.truth_settings:
            right += 1
        else:
            wrong += 1
            wrong_off_roll += n.truth_person is None
    return {"asked": asked, "right": right, "wrong": wrong, "wrong_off_roll": wrong_off_roll}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", default="moved_ocr", choices=("generator", "moved_ocr"))
    parser.add_argument("--pupils", type=int, default=20_000)
    parser.add_argument("--notices", type=int, default=3_000)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    build = linkage_models.generator if args.model == "generator" else linkage_models.moved_ocr
    case = build(args.pupils, args.notices, args.seed)
    started = time.perf_counter()
    rows = review_bound(case, Path(tempfile.mkdtemp(prefix="encompass-ask-floor-")))
    seconds = time.perf_counter() - started
    on_roll = sum(1 for r in rows if r["notice"].truth_person)
    print(
        f"{args.model}: {len(case.notices)} notices, {len(case.roll)} on the rolls; "
        f"{len(rows)} to review ({on_roll} of them on a roll); {seconds:.0f} s"
    )
    print("| floor | asked | to the right setting | to a wrong one | of which on no roll |")
    print("|---|---|---|---|---|")
    for floor in FLOORS:
        c = count(rows, floor)
        print(
            f"| {floor} | {c['asked']} ({c['asked'] / max(len(rows), 1):.0%} of review) | "
            f"{c['right']} | {c['wrong']} | {c['wrong_off_roll']} |"
        )


if __name__ == "__main__":
    main()
