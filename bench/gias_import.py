"""GIAS import benchmark: all of England's establishments, as downloaded, into an empty database.

1. writes a GIAS establishment file of --rows rows (50,000: all of England's, open and
   closed) with the real header of GIAS's `edubasealldata` download (139 columns), every
   field quoted, in Windows-1252 (as GIAS writes it), about 60 MB, and the zip GIAS
   serves it in. The rows are generated: a mix of types (maintained schools, academies,
   special schools, nurseries, colleges, pupil referral units, "Miscellaneous", ...) and
   statuses (open, closed, proposed to open) in 150 councils, every field filled as GIAS
   fills it;
2. for each of the zip and the CSV, in a fresh Python process: migrates a new database
   (SQLite in a temporary directory; PostgreSQL too with --postgres), then runs the
   service's own import (`encompass.onboarding.gias.import_gias`, as `encompass settings
   import` does) and commits; it reports the wall time and the process's peak resident
   memory (ru_maxrss: the interpreter, the app's modules and the import), and the
   resident memory before the import began.

Figures go to docs/benchmarks.md (the "GIAS import" section, nothing else).

    .venv/bin/python bench/gias_import.py
    .venv/bin/python bench/gias_import.py --ref 30a46a6 --no-doc   # an older commit
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any

import common

SECTION = "GIAS import"
TARGET_MB = 200
# The header of GIAS's establishment fields download (edubasealldata), as published in
# DFE-Digital/register-trainee-teachers (spec/lib/tasks/schools_data_build_csv_spec.rb):
# 139 columns, in order.
HEADER = next(
    csv.reader(
        [
            '"URN","LA (code)","LA (name)","EstablishmentNumber","EstablishmentName",'
            '"TypeOfEstablishment (code)","TypeOfEstablishment (name)",'
            '"EstablishmentTypeGroup (code)","EstablishmentTypeGroup (name)",'
            '"EstablishmentStatus (code)","EstablishmentStatus (name)",'
            '"ReasonEstablishmentOpened (code)","ReasonEstablishmentOpened (name)",'
            '"OpenDate","ReasonEstablishmentClosed (code)",'
            '"ReasonEstablishmentClosed (name)","CloseDate","PhaseOfEducation (code)",'
            '"PhaseOfEducation (name)","StatutoryLowAge","StatutoryHighAge",'
            '"Boarders (code)","Boarders (name)","NurseryProvision (name)",'
            '"OfficialSixthForm (code)","OfficialSixthForm (name)","Gender (code)",'
            '"Gender (name)","ReligiousCharacter (code)","ReligiousCharacter (name)",'
            '"ReligiousEthos (name)","Diocese (code)","Diocese (name)",'
            '"AdmissionsPolicy (code)","AdmissionsPolicy (name)","SchoolCapacity",'
            '"SpecialClasses (code)","SpecialClasses (name)","CensusDate","NumberOfPupils",'
            '"NumberOfBoys","NumberOfGirls","PercentageFSM","TrustSchoolFlag (code)",'
            '"TrustSchoolFlag (name)","Trusts (code)","Trusts (name)",'
            '"SchoolSponsorFlag (name)","SchoolSponsors (name)","FederationFlag (name)",'
            '"Federations (code)","Federations (name)","UKPRN","FEHEIdentifier",'
            '"FurtherEducationType (name)","OfstedLastInsp","OfstedSpecialMeasures (code)",'
            '"OfstedSpecialMeasures (name)","LastChangedDate","Street","Locality","Address3",'
            '"Town","County (name)","Postcode","SchoolWebsite","TelephoneNum",'
            '"HeadTitle (name)","HeadFirstName","HeadLastName","HeadPreferredJobTitle",'
            '"BSOInspectorateName (name)","InspectorateReport","DateOfLastInspectionVisit",'
            '"NextInspectionVisit","TeenMoth (name)","TeenMothPlaces","CCF (name)",'
            '"SENPRU (name)","EBD (name)","PlacesPRU","FTProv (name)","EdByOther (name)",'
            '"Section41Approved (name)","SEN1 (name)","SEN2 (name)","SEN3 (name)",'
            '"SEN4 (name)","SEN5 (name)","SEN6 (name)","SEN7 (name)","SEN8 (name)",'
            '"SEN9 (name)","SEN10 (name)","SEN11 (name)","SEN12 (name)","SEN13 (name)",'
            '"TypeOfResourcedProvision (name)","ResourcedProvisionOnRoll",'
            '"ResourcedProvisionCapacity","SenUnitOnRoll","SenUnitCapacity","GOR (code)",'
            '"GOR (name)","DistrictAdministrative (code)","DistrictAdministrative (name)",'
            '"AdministrativeWard (code)","AdministrativeWard (name)",'
            '"ParliamentaryConstituency (code)","ParliamentaryConstituency (name)",'
            '"UrbanRural (code)","UrbanRural (name)","GSSLACode (name)","Easting","Northing",'
            '"CensusAreaStatisticWard (name)","MSOA (name)","LSOA (name)",'
            '"InspectorateName (name)","SENStat","SENNoStat","BoardingEstablishment (name)",'
            '"PropsName","PreviousLA (code)","PreviousLA (name)",'
            '"PreviousEstablishmentNumber","OfstedRating (name)","RSCRegion (name)",'
            '"Country (name)","UPRN","SiteName","QABName (code)","QABName (name)",'
            '"EstablishmentAccredited (code)","EstablishmentAccredited (name)","QABReport",'
            '"CHNumber","MSOA (code)","LSOA (code)"'
        ]
    )
)
# One row of that file (URN 100000), the base every generated row varies; its values
# are cut to the header's length.
BASE_ROW = next(
    csv.reader(
        [
            '100000,"201","City of London","3614","The Aldgate School","02",'
            '"Voluntary aided school","4","Local authority maintained schools","1","Open",'
            '"00","Not applicable","","00","Not applicable","","2","Primary",3,11,"1",'
            '"No boarders","Has Nursery Classes","2","Does not have a sixth form","3",'
            '"Mixed","02","Church of England","Does not apply","CE23","Diocese of London",'
            '"0","Not applicable",274,"2","No Special Classes","16-01-2020","276","136",'
            '"140","10.2","0","Not applicable","","","Not applicable","",'
            '"Not under a federation","","",10079319,"","Not applicable","19-04-2013","0",'
            '"Not applicable","04-02-2021","St James\'s Passage","Duke\'s Place","London","",'
            '"","EC3A 5DE","www.sirjohncassprimary.org","02072831147","Miss","Alexandra",'
            '"Allan","Headteacher","Not applicable","","","","Not applicable","",'
            '"Not applicable","Not applicable","Not applicable","","","Not applicable",'
            '"Not applicable","","","","","","","","","","","","","","","","","","","","",'
            '"H","London","E09000001","City of London","E05009308","Portsoken","E14000639",'
            '"Cities of London and Westminster","A1",'
            '"(England/Wales) Urban major conurbation","E09000001",533498,181201,"",'
            '"City of London 001","City of London 001F","","","","","","999","","",'
            '"Outstanding","North-West London and South-Central England","","200000071925",'
            '"","0","Not applicable","0","Not applicable","","","E02000001","E01032739"'
        ]
    )
)[: len(HEADER)]
TYPES = [  # (type name, phase, weight): roughly GIAS's mix, closed ones included
    ("Community school", "Primary", 30),
    ("Voluntary aided school", "Primary", 8),
    ("Voluntary controlled school", "Primary", 5),
    ("Foundation school", "Secondary", 3),
    ("Academy converter", "Primary", 15),
    ("Academy sponsor led", "Secondary", 6),
    ("Free schools", "All-through", 2),
    ("Other independent school", "Not applicable", 6),
    ("Community special school", "Not applicable", 2),
    ("Academy special converter", "Not applicable", 1),
    ("Local authority nursery school", "Nursery", 1),
    ("Pupil referral unit", "Not applicable", 1),
    ("Further education", "16 plus", 2),
    ("Academy 16-19 converter", "16 plus", 1),
    ("Welsh establishment", "Not applicable", 3),
    ("Miscellaneous", "Not applicable", 2),
    ("Higher education institutions", "Not applicable", 1),
]
STATUSES = [
    ("Open", 70),
    ("Closed", 27),
    ("Open, but proposed to close", 2),
    ("Proposed to open", 1),
]
OUTCODES = ["YO1", "YO24", "LS6", "SW1A", "M1", "B15", "NE1", "CF10", "BS1", "EC3A", "L3", "S1"]


def write_gias(path: Path, rows: int, seed: int = 13) -> None:
    rng = random.Random(seed)
    types = [t for t in TYPES for _ in range(t[2])]
    statuses = [s for s, w in STATUSES for _ in range(w)]
    index = {name: i for i, name in enumerate(HEADER)}
    assert len(HEADER) == len(BASE_ROW) == 139
    with path.open("w", encoding="cp1252", newline="") as f:
        out = csv.writer(f, quoting=csv.QUOTE_ALL)
        out.writerow(HEADER)
        for n in range(rows):
            row = list(BASE_ROW)
            type_name, phase, _ = rng.choice(types)
            la = 201 + n % 150 if type_name != "Welsh establishment" else 660 + n % 22
            row[index["URN"]] = str(100000 + n)
            row[index["LA (code)"]] = str(la)
            row[index["LA (name)"]] = f"Council {la}"
            row[index["EstablishmentNumber"]] = str(1000 + n % 9000)
            row[index["EstablishmentName"]] = f"St Mary’s School {n}"  # a curly apostrophe
            row[index["TypeOfEstablishment (name)"]] = type_name
            row[index["PhaseOfEducation (name)"]] = phase
            row[index["EstablishmentStatus (name)"]] = rng.choice(statuses)
            row[index["Postcode"]] = f"{rng.choice(OUTCODES)} {rng.randint(1, 9)}AB"
            row[index["HeadLastName"]] = f"Head{n}"
            row[index["UPRN"]] = str(200000000000 + n)
            out.writerow(row)


def _child(args: argparse.Namespace) -> int:
    """One import in this process; prints a JSON line of figures."""
    if args.source:
        common.use_source(Path(args.source))
    import inspect

    from sqlmodel import Session, func, select

    from encompass.db import make_engine
    from encompass.db.migrate import upgrade
    from encompass.models import Setting
    from encompass.onboarding.gias import import_gias

    upgrade(args.database)
    engine = make_engine(args.database)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started = time.perf_counter()
    with Session(engine) as session:
        kwargs = (
            {"partial": False} if "partial" in inspect.signature(import_gias).parameters else {}
        )
        report = import_gias(session, Path(args.file), **kwargs)
        session.commit()
        count = session.exec(select(func.count()).select_from(Setting)).one()
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        json.dumps(
            {
                "seconds": round(seconds, 1),
                "peak_mb": round(peak),
                "before_mb": round(before),
                "accepted": report.accepted,
                "skipped": report.skipped,
                "rejected": len(report.rejected),
                "stored": count,
            }
        )
    )
    return 0


def _run(file: Path, database: str, source: Path | None) -> dict[str, Any]:
    command = [sys.executable, __file__, "--child", "--file", str(file), "--database", database]
    if source:
        command += ["--source", str(source)]
    env = {**os.environ, "ENCOMPASS_ENV": "development"}
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    if done.returncode != 0:
        raise SystemExit(
            f"gias-import: the import failed:\n{done.stderr[:1500]}\n...\n{done.stderr[-800:]}"
        )
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def _section(args: argparse.Namespace, runs: list[dict[str, Any]], sizes: dict[str, int]) -> str:
    lines = [
        common.para(
            f"Run {runs[0]['date']} with `{args.command}`. A generated GIAS establishment "
            f"file of {args.rows:,} rows (all of England's establishments, open and closed) "
            "with the real header of GIAS's download (139 columns), every field quoted, "
            f"Windows-1252: "
            f"{sizes['csv'] / 1e6:.0f} MB as CSV, {sizes['zip'] / 1e6:.0f} MB as the zip "
            "GIAS serves. Each import runs in a fresh Python process into an empty database "
            "(migrated first), with the service's own `import_gias` and a commit, as "
            "`encompass settings import` does. Peak memory is the process's peak resident "
            "set (ru_maxrss): the interpreter, the app's modules and the import; before "
            "is the same just before the import began. The file is read as a stream, twice "
            "(checked, then written in batches of 1,000), so memory does not grow with it. "
            f"The target is a peak under {TARGET_MB} MB."
        ),
        "",
        "| file | database | seconds | peak MB | before MB | accepted | skipped | rejected |",
        "|---|---|--:|--:|--:|--:|--:|--:|",
    ]
    for r in runs:
        lines.append(
            f"| {r['file']} | {r['backend']} | {r['seconds']} | **{r['peak_mb']}** | "
            f"{r['before_mb']} | {r['accepted']:,} | {r['skipped']:,} | {r['rejected']} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--rows", type=int, default=50_000)
    p.add_argument("--postgres", action="store_true", help="also import into PostgreSQL")
    p.add_argument("--pg-admin-url", default=common.PG_ADMIN_URL)
    p.add_argument("--ref", help="measure this commit instead of the working tree")
    p.add_argument(
        "--compare", help="also import the CSV (SQLite) with this older commit, for comparison"
    )
    p.add_argument("--no-doc", action="store_true", help="print only, leave the docs alone")
    p.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--file", help=argparse.SUPPRESS)
    p.add_argument("--database", help=argparse.SUPPRESS)
    p.add_argument("--source", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.child:
        return _child(args)
    args.command = " ".join(
        ["python bench/gias_import.py", *(sys.argv[1:] if argv is None else argv)]
    )
    runs: list[dict[str, Any]] = []
    pg_version = None
    with tempfile.TemporaryDirectory(prefix="encompass-bench-gias-") as tmp:
        source, code = None, None
        if args.ref:
            source = Path(tmp) / "source"
            commit = common.snapshot(args.ref, source)
            code = f"{commit[:7]} (`--ref {args.ref}`)"
        csv_path = Path(tmp) / "edubasealldata20261130.csv"
        write_gias(csv_path, args.rows)
        zip_path = Path(tmp) / "extract.zip"
        with zipfile.ZipFile(zip_path, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.write(csv_path, csv_path.name)
        sizes = {"csv": csv_path.stat().st_size, "zip": zip_path.stat().st_size}
        files = [("zip", zip_path), ("CSV", csv_path)]
        for label, path in files:
            database = f"sqlite:///{Path(tmp) / f'bench-{label}.db'}"
            result = _run(path, database, source)
            runs.append({**result, "file": label, "backend": "sqlite"})
            print(f"gias-import: {label} sqlite: {result}", flush=True)
        if args.compare:
            old = Path(tmp) / "compare"
            commit = common.snapshot(args.compare, old)
            database = f"sqlite:///{Path(tmp) / 'bench-compare.db'}"
            result = _run(csv_path, database, old)
            runs.append({**result, "file": f"CSV, at {commit[:7]}", "backend": "sqlite"})
            print(f"gias-import: CSV sqlite at {commit[:7]}: {result}", flush=True)
        if args.postgres:
            made = common.fresh_postgres(args.pg_admin_url, "encompass_bench_gias")
            if made is None:
                print("gias-import: no PostgreSQL on 127.0.0.1:5432; skipped", file=sys.stderr)
            else:
                url, pg_version = made
                try:
                    result = _run(zip_path, url, source)
                finally:
                    common.drop_postgres(args.pg_admin_url, "encompass_bench_gias")
                runs.append({**result, "file": "zip", "backend": f"postgresql {pg_version}"})
                print(f"gias-import: zip postgresql: {result}", flush=True)
    machine = common.machine_info(pg_version, code)
    for r in runs:
        r["date"] = machine["date"]
    if not args.no_doc:
        common.update_doc(
            {
                "Machine": common.machine_section(machine),
                SECTION: _section(args, runs, sizes),
            }
        )
    worst = max(r["peak_mb"] for r in runs if " at " not in r["file"])
    print(f"gias-import: peak {worst} MB (target < {TARGET_MB} MB)")
    return 0 if worst < TARGET_MB else 1


if __name__ == "__main__":
    sys.exit(main())
