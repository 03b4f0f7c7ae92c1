"""The pupil-roll files schools have: our CSV, MIS and census exports, and the DfE's CTF.

Each is read as a stream into rows of one shape: `setting_urn`, `laestab`, `given_name`,
`family_name`, `date_of_birth`, `postcode`, `address`, `upn` (empty when the file does
not say). Which setting a row belongs to comes from its `URN` or `LAEstab` column, from
the CTF header, or from the `--setting` the coordinator gave.

CSV headers are matched without regard to case, spaces or punctuation, so `Legal
Surname`, `LegalSurname` and `legal_surname` are one column. A Common Transfer File
(XML, root `CTfile`) is read pupil by pupil with defusedxml (no entities, no DTDs, no
network), so a large file takes little memory and a hostile one cannot expand.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from encompass.files.csvfile import ImportFileError
from encompass.onboarding.textfile import open_text

FIELDS = (
    "setting_urn",
    "laestab",
    "given_name",
    "family_name",
    "date_of_birth",
    "postcode",
    "address",
    "upn",
)
# For each field, the headers that carry it, the first found winning.
ALIASES: dict[str, tuple[str, ...]] = {
    "setting_urn": ("setting_urn", "urn", "school_urn", "setting urn"),
    "laestab": ("laestab", "la_estab", "dfe_number", "dfe", "lea_estab"),
    "given_name": (
        "given_name",
        "legal_forename",
        "forename",
        "first_name",
        "firstname",
        "given_names",
        "preferred_forename",
    ),
    "family_name": (
        "family_name",
        "legal_surname",
        "surname",
        "last_name",
        "lastname",
        "preferred_surname",
    ),
    "date_of_birth": ("date_of_birth", "dob", "birth_date", "birthdate"),
    "postcode": ("postcode", "post_code", "postal_code"),
    "address": ("address", "home_address", "address_block"),
    "upn": ("upn", "unique_pupil_number"),
}
REQUIRED = ("given_name", "family_name", "date_of_birth")


def _key(header: str) -> str:
    return re.sub(r"[^a-z0-9]", "", header.lower())


@dataclass
class RollFile:
    """`rows` yields (row or pupil number, row); `total` is about how many there are."""

    rows: Iterator[tuple[int, dict[str, str]]]
    total: int
    unit: str  # "row" or "pupil", for messages
    setting_urn: str = ""  # the setting the whole file is for (CTF header), if it says
    laestab: str = ""
    names_setting: bool = False  # the file or its rows say which setting they are for


# A report exported from a MIS may start with a title and blank lines before its header.
HEADER_SEARCH_ROWS = 10


def _columns(header: list[str]) -> dict[str, int]:
    keys = [_key(h) for h in header]
    where: dict[str, int] = {}
    for field, names in ALIASES.items():
        for name in names:
            if _key(name) in keys:
                where[field] = keys.index(_key(name))
                break
    return where


def read_csv_roll(path: Path, filename: str) -> RollFile:
    opened = open_text(path, filename)
    reader = csv.reader(opened.stream)
    first: dict[str, int] | None = None
    try:
        for header_row, values in enumerate(reader, start=1):
            where = _columns([h.strip() for h in values])
            first = first if first is not None else where
            if all(f in where for f in REQUIRED) or header_row >= HEADER_SEARCH_ROWS:
                break
    except csv.Error:
        opened.close()
        raise ImportFileError(f"{filename} is not a readable CSV file") from None
    if first is None:
        opened.close()
        raise ImportFileError(f"{filename} is not a readable CSV file")
    missing = [f for f in REQUIRED if f not in where]
    if missing:
        # No header found: say what the first row (the header, surely) lacks.
        missing = [f for f in REQUIRED if f not in first]
        opened.close()
        wanted = "; ".join(f"{f} (or {', '.join(ALIASES[f][1:4])})" for f in missing)
        raise ImportFileError(f"{filename} is missing the column(s): {wanted}")

    def rows() -> Iterator[tuple[int, dict[str, str]]]:
        try:
            for number, values in enumerate(reader, start=header_row + 1):
                if not any(v.strip() for v in values):
                    continue
                yield (
                    number,
                    {
                        f: (values[i].strip() if i < len(values) else "")
                        for f, i in ((f, where.get(f, -1)) for f in FIELDS)
                        if i >= 0
                    },
                )
        except csv.Error:
            raise ImportFileError(f"{filename} is not a readable CSV file") from None
        finally:
            opened.close()

    names_setting = "setting_urn" in where or "laestab" in where
    return RollFile(rows(), opened.lines, "row", names_setting=names_setting)


def row_setting(row: dict[str, Any], file: RollFile, setting_urn: str | None) -> tuple[str, str]:
    """(URN, LAEstab) the row is for: --setting first, then the row, then the file."""
    if setting_urn:
        return setting_urn, ""
    return (
        row.get("setting_urn") or file.setting_urn,
        re.sub(r"\D", "", row.get("laestab") or file.laestab),
    )
