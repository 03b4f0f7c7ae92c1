"""The DfE Common Transfer File (CTF, XML), read pupil by pupil.

The elements read, as the CTF specification names them:

    CTfile/Header/SourceSchool/{URN, LEA, Estab}
    CTfile/CTFpupilData/Pupil/{UPN, Surname, Forename, DOB}
    .../Pupil/BasicDetails/{MiddleNames, PreferredForename, PreferredSurname,
                            LegalForename, LegalSurname}
    .../Pupil/Address/{PostCode, BS7666Address/{SAON, PAON, Street, Locality, Town,
                       PostTown}, AddressLines/{AddressLine1..5}}

Names are the legal ones, with middle names after the forename; the preferred ones stand
in when the legal ones are missing. Everything else in the file (assessments, SEN,
attendance, contacts) is passed over and dropped as it is read.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

from encompass.files.csvfile import ImportFileError
from encompass.onboarding.roll_files import RollFile

_BS7666 = ("SAON", "PAON", "Street", "Locality", "Town", "PostTown")
_LINES = ("AddressLine1", "AddressLine2", "AddressLine3", "AddressLine4", "AddressLine5")


def _local(tag: Any) -> str:
    return str(tag).rsplit("}", 1)[-1]


def _text(element: Any, *path: str) -> str:
    """The text at `path` below `element` (tag names without namespaces), or ""."""
    for name in path:
        element = next((c for c in element if _local(c.tag).lower() == name.lower()), None)
        if element is None:
            return ""
    return " ".join((element.text or "").split())


def _pupil(element: Any) -> dict[str, str]:
    forename = _text(element, "Forename") or _text(element, "BasicDetails", "LegalForename")
    forename = forename or _text(element, "BasicDetails", "PreferredForename")
    surname = _text(element, "Surname") or _text(element, "BasicDetails", "LegalSurname")
    surname = surname or _text(element, "BasicDetails", "PreferredSurname")
    middle = _text(element, "BasicDetails", "MiddleNames")
    parts = [_text(element, "Address", "BS7666Address", p) for p in _BS7666]
    if not any(parts):
        parts = [_text(element, "Address", "AddressLines", p) for p in _LINES]
    return {
        "given_name": f"{forename} {middle}".strip(),
        "family_name": surname,
        "date_of_birth": _text(element, "DOB") or _text(element, "BasicDetails", "DOB"),
        "postcode": _text(element, "Address", "PostCode") or _text(element, "Address", "Postcode"),
        "address": ", ".join(p for p in parts if p),
        "upn": _text(element, "UPN"),
    }


def _count_pupils(path: Path) -> int:
    count = 0
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            count += chunk.count(b"<Pupil>") + chunk.count(b"<Pupil ")
    return count


def read_ctf(path: Path, filename: str) -> RollFile:
    """The header is read first (it comes before the pupils), then the pupils as a stream."""
    events = iterparse(str(path), events=("start", "end"), forbid_dtd=True)
    stack: list[str] = []
    header: dict[str, str] = {}
    root: Any = None
    container: Any = None

    def bad() -> ImportFileError:
        return ImportFileError(f"{filename} is not a readable Common Transfer File (XML)")

    try:
        for event, element in events:
            if event == "start":
                stack.append(_local(element.tag))
                if root is None:
                    root = element
                    if stack[0] != "CTfile":
                        raise ImportFileError(f"{filename} is XML but not a Common Transfer File")
                if stack[-1] == "CTFpupilData":
                    container = element
                    break
                continue
            if stack[-1] == "Header":
                source = next((c for c in element if _local(c.tag) == "SourceSchool"), None)
                if source is not None:
                    header = {k: _text(source, k) for k in ("URN", "LEA", "Estab")}
            stack.pop()
    except (SyntaxError, DefusedXmlException):
        raise bad() from None

    def pupils() -> Iterator[tuple[int, dict[str, str]]]:
        number = 0
        depth = len(stack)
        try:
            for event, element in events:
                if event == "start":
                    stack.append(_local(element.tag))
                    continue
                name = stack.pop()
                if name == "Pupil" and len(stack) == depth:
                    number += 1
                    yield number, _pupil(element)
                    container.clear()  # drop the pupils already read
        except (SyntaxError, DefusedXmlException):
            raise bad() from None

    urn = header.get("URN", "")
    laestab = f"{header.get('LEA', '')}{header.get('Estab', '')}"
    laestab = laestab if len(laestab) == 7 else ""
    return RollFile(pupils(), _count_pupils(path), "pupil", urn, laestab, bool(urn or laestab))
