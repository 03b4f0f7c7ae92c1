"""Where one notice's time goes: statements per notice and a CPU profile, in-process.

The intake benchmark says how fast; this says why. It seeds the same roll as intake.py,
posts notices through Flask's test client (no gunicorn, no network), and prints the CPU
time per notice, the SQL statements one notice runs, and the service functions that
take the CPU.

    .venv/bin/python bench/intake_profile.py                  # SQLite, the working tree
    .venv/bin/python bench/intake_profile.py --backend postgresql --ref HEAD
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import random
import re
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import common
from sqlalchemy import event

PG_DATABASE = "encompass_bench_profile"


def _statement_kind(statement: str) -> str:
    """'INSERT INTO child (...' -> 'INSERT child'; 'SELECT pupil.id, ...' -> 'SELECT pupil'."""
    words = statement.split()
    verb = words[0].upper() if words else "?"
    if verb == "INSERT" and len(words) > 2:
        return f"INSERT {words[2]}"
    if verb in ("UPDATE",) and len(words) > 1:
        return f"UPDATE {words[1]}"
    match = re.search(r"\bFROM\s+(\w+)", statement, re.IGNORECASE)
    return f"{verb} {match.group(1)}" if match else verb


def profile(url: str, args: argparse.Namespace, workdir: Path) -> None:
    import intake_data

    from encompass import create_app

    seeded = intake_data.migrate_and_seed(
        url, pupils=args.pupils, settings=args.settings, seed_value=args.seed, workdir=workdir
    )

    os.environ.update(
        ENCOMPASS_ENV="development",
        DATABASE_URL=url,
        ENCOMPASS_INSTANCE_DIR=str(workdir / "instance"),
        # As in intake.py: the limiter runs on every request but never refuses one.
        API_REQUESTS_PER_KEY_PER_MINUTE="10000000",
        API_REQUESTS_PER_ADDRESS_PER_MINUTE="10000000",
    )
    app = create_app(read_env_file=False)
    client = app.test_client()
    bodies = intake_data.notice_bodies(
        args.warmup + 1 + 2 * args.notices, "PROFILE-", seeded.matchable, random.Random(1)
    )
    headers = {"Authorization": f"Bearer {seeded.api_key}", "Content-Type": "application/json"}

    def post(body: bytes) -> None:
        response = client.post("/api/v1/notices", data=body, headers=headers)
        if response.status_code != 201:
            raise RuntimeError(f"{response.status_code}: {response.get_data(as_text=True)}")

    for body in bodies[: args.warmup]:
        post(body)
    rest = bodies[args.warmup :]

    statements: list[str] = []

    def note(conn: Any, cursor: Any, statement: str, *_: Any) -> None:
        statements.append(statement)

    app_engine = app.extensions["encompass_engine"]
    event.listen(app_engine, "before_cursor_execute", note)
    post(rest[0])
    event.remove(app_engine, "before_cursor_execute", note)
    print(f"One notice runs {len(statements)} SQL statements (besides BEGIN and COMMIT):")
    for kind, n in Counter(_statement_kind(s) for s in statements).most_common():
        print(f"  {n:3d}  {kind}")

    timed = rest[1 : 1 + args.notices]
    cpu, wall = time.process_time(), time.perf_counter()
    for body in timed:
        post(body)
    cpu_ms = (time.process_time() - cpu) / len(timed) * 1000
    wall_ms = (time.perf_counter() - wall) / len(timed) * 1000
    print(
        f"\nPer notice, one at a time: {cpu_ms:.1f} ms CPU in this process, {wall_ms:.1f} ms wall"
    )

    profiler = cProfile.Profile(time.process_time)
    profiler.enable()
    for body in rest[1 + args.notices :]:
        post(body)
    profiler.disable()
    stats = pstats.Stats(profiler)
    raw: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
    total = sum(v[3] for k, v in raw.items() if k[2] == "wsgi_app")
    print("\nShare of the request's CPU (cumulative), service functions and ORM flushes:")
    rows = []
    for (filename, line, name), (_, calls, _, cumulative, _) in raw.items():
        ours = "/encompass/" in filename and "/migrations/" not in filename
        if ours or name in ("_flush", "sqlmodel_table_construct", "model_validate"):
            rows.append((cumulative, calls, name, filename, line))
    for cumulative, calls, name, filename, line in sorted(rows, reverse=True)[: args.top]:
        where = filename.split("site-packages/")[-1]
        where = where.split("/encompass/", 1)[-1] if "/encompass/" in where else where
        per_notice = calls / args.notices
        print(f"  {cumulative / total:6.1%}  {per_notice:5.1f}x  {name}  ({where}:{line})")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    p.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    p.add_argument("--notices", type=int, default=200, help="timed, then as many profiled")
    p.add_argument("--warmup", type=int, default=50)
    p.add_argument("--top", type=int, default=25, help="functions to list")
    p.add_argument("--pupils", type=int, default=100_000)
    p.add_argument("--settings", type=int, default=300)
    p.add_argument("--seed", type=int, default=20261123)
    p.add_argument("--pg-admin-url", default=common.PG_ADMIN_URL)
    p.add_argument("--ref", help="profile this commit instead of the working tree")
    args = p.parse_args(argv)
    if not 1 <= args.notices <= 5000:
        p.error("--notices must be between 1 and 5000")
    with tempfile.TemporaryDirectory(prefix="encompass-profile-") as tmp:
        workdir = Path(tmp)
        if args.ref:
            commit = common.snapshot(args.ref, workdir / "source")
            common.use_source(workdir / "source")
            print(f"Profiling {commit[:7]} (--ref {args.ref}) on {args.backend}\n")
        if args.backend == "sqlite":
            profile(f"sqlite:///{workdir / 'encompass.db'}", args, workdir)
            return 0
        made = common.fresh_postgres(args.pg_admin_url, PG_DATABASE)
        if made is None:
            return 1
        try:
            profile(made[0], args, workdir)
        finally:
            common.drop_postgres(args.pg_admin_url, PG_DATABASE)
    return 0


if __name__ == "__main__":
    sys.exit(main())
