"""Which ASK_FLOOR (encompass/review/ask.py): the wrong asks each floor would make.

For one error model of bench/linkage_models.py (no Splink needed: `generator`,
`moved_ocr` or `county`), the roll is imported with the real `roll import`, the engine learns its
weights as in bench/matching_vs_splink.py, and every notice is resolved. Of the children
the engine sends to review, each floor counts those whose best candidate would be asked
(`ask_candidate`: one pupil at the floor or more, no pupil at another setting above the
review level) and whether the asked setting is the child's own (right), another (wrong:
the child is on another roll, or on none).

    .venv/bin/python bench/ask_floor.py --model moved_ocr --pupils 20000 --notices 3000

Small by default: the CPU may be shared. Prints a table for docs/benchmarks.md.
bench/matching_vs_splink.py gives the same table for every model in one run (`asks`).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import linkage_models
import matching_vs_splink as bench


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--model", default="moved_ocr", choices=("generator", "moved_ocr", "county")
    )
    parser.add_argument("--pupils", type=int, default=20_000)
    parser.add_argument("--notices", type=int, default=3_000)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    build = getattr(linkage_models, args.model)
    case = build(args.pupils, args.notices, args.seed)
    started = time.perf_counter()
    workdir = Path(tempfile.mkdtemp(prefix="encompass-ask-floor-"))
    roll, _, _ = bench.write_files(case, workdir)
    every = bench.run_ours(case, roll, workdir)["rows"]
    rows = [r for r in every if r["outcome"] == "review"]
    seconds = time.perf_counter() - started
    on_roll = sum(1 for r in rows if r["notice"].truth_person)
    print(
        f"{args.model}: {len(case.notices)} notices, {len(case.roll)} on the rolls; "
        f"{len(rows)} to review ({on_roll} of them on a roll); {seconds:.0f} s"
    )
    print("| floor | asked | to the right setting | to a wrong one | of which on no roll |")
    print("|---|---|---|---|---|")
    for floor in bench.FLOORS:
        c = bench.asks(rows, floor)
        print(
            f"| {floor} | {c['asked']} ({c['asked'] / max(len(rows), 1):.0%} of review) | "
            f"{c['right']} | {c['wrong']} | {c['wrong_off_roll']} |"
        )


if __name__ == "__main__":
    main()
