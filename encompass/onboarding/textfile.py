"""Opening the files councils hand us as text, read as it goes: CSV, or the CSV in a zip.

The encoding is settled by one pass over the bytes before the real read: UTF-8 (with or
without a byte-order mark) if every byte is, otherwise Windows-1252, as GIAS writes its
downloads. The same pass counts the lines, for progress. Neither pass holds the file.
"""

from __future__ import annotations

import codecs
import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TextIO

from encompass.files.csvfile import ImportFileError

CHUNK = 1 << 20


@dataclass
class OpenedText:
    stream: TextIO
    lines: int
    encoding: str
    _closers: tuple[Callable[[], None], ...] = ()

    def close(self) -> None:
        self.stream.close()
        for close in self._closers:
            close()


def _zip_member(archive: zipfile.ZipFile, filename: str) -> str:
    if "[Content_Types].xml" in archive.namelist():
        raise ImportFileError(
            f"{filename} is a spreadsheet (Excel or similar), not a CSV file: save it as "
            "CSV (comma delimited) and upload that"
        )
    members = [
        i for i in archive.infolist() if not i.is_dir() and i.filename.lower().endswith(".csv")
    ]
    if not members:
        raise ImportFileError(f"{filename} is a zip file with no CSV file in it")
    # A GIAS download holds the establishments file (edubasealldata...) and, at times,
    # smaller link files: the largest CSV is the one wanted.
    return max(members, key=lambda i: i.file_size).filename


def _binary(path: Path, filename: str) -> tuple[Callable[[], IO[bytes]], list[zipfile.ZipFile]]:
    try:
        is_zip = zipfile.is_zipfile(path)
    except OSError:
        raise ImportFileError(f"{filename} cannot be opened") from None
    if not is_zip:
        with path.open("rb") as f:
            if f.read(4) == b"PK\x03\x04":
                raise ImportFileError(f"{filename} is not a readable zip file: download it again")
        return (lambda: path.open("rb")), []
    try:
        archive = zipfile.ZipFile(path)
        member = _zip_member(archive, filename)
    except zipfile.BadZipFile:
        raise ImportFileError(f"{filename} is not a readable zip file") from None
    return (lambda: archive.open(member)), [archive]


def _encoding(opener: Callable[[], IO[bytes]], filename: str) -> tuple[str, int, bool]:
    """(encoding, lines, empty) from one pass over the bytes."""
    utf8 = codecs.getincrementaldecoder("utf-8")()
    cp1252 = codecs.getincrementaldecoder("cp1252")()
    is_utf8, lines, first, empty = True, 0, b"", True
    offset = 0
    try:
        with opener() as f:
            for chunk in iter(lambda: f.read(CHUNK), b""):
                if offset == 0:
                    first = chunk[:3]
                if chunk.strip():
                    empty = False
                lines += chunk.count(b"\n")
                if is_utf8:
                    try:
                        utf8.decode(chunk)
                    except UnicodeDecodeError:
                        is_utf8 = False
                if not is_utf8:
                    try:
                        cp1252.decode(chunk)
                    except UnicodeDecodeError as exc:
                        raise ImportFileError(
                            f"{filename} is not a text file in UTF-8 or Windows-1252 (the "
                            f"character at byte {offset + exc.start + 1} cannot be read): save "
                            "it again as CSV and upload that"
                        ) from None
                offset += len(chunk)
            if is_utf8:
                utf8.decode(b"", final=True)
    except UnicodeDecodeError:
        is_utf8 = False
    except (OSError, zipfile.BadZipFile, EOFError):
        raise ImportFileError(f"{filename} cannot be read to the end: it may be damaged") from None
    if is_utf8:
        return ("utf-8-sig" if first == codecs.BOM_UTF8 else "utf-8"), lines, empty
    return "cp1252", lines, empty


def open_text(path: Path, filename: str) -> OpenedText:
    """The file as text, ready for csv.reader; ImportFileError if it cannot be read."""
    opener, archives = _binary(path, filename)
    try:
        encoding, lines, empty = _encoding(opener, filename)
        if empty:
            raise ImportFileError(f"{filename} is empty")
        binary = opener()
    except Exception:
        for archive in archives:
            archive.close()
        raise
    stream = io.TextIOWrapper(binary, encoding=encoding, newline="")
    return OpenedText(stream, lines, encoding, tuple(a.close for a in archives))
