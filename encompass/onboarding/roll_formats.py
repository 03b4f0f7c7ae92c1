"""Which reader a roll file needs: a DfE Common Transfer File (XML) or a CSV export."""

from __future__ import annotations

from pathlib import Path

from encompass.onboarding.ctf import read_ctf
from encompass.onboarding.roll_files import RollFile, read_csv_roll


def is_ctf(path: Path) -> bool:
    with path.open("rb") as f:
        head = f.read(2048).lstrip(b"\xef\xbb\xbf \r\n\t")
    return head.startswith(b"<") and b"ctfile" in head.lower()


def read_roll_file(path: Path, filename: str) -> RollFile:
    if is_ctf(path):
        return read_ctf(path, filename)
    return read_csv_roll(path, filename)
