"""Intake benchmark: notices per second and p50/p99 latency of POST /api/v1/notices.

For each backend (SQLite, and PostgreSQL when it answers on 127.0.0.1) this makes a fresh
database, migrates it, seeds a roll of 100,000 pupils, then runs the real app and a
minimal Flask endpoint (bench/minimal_app.py: one insert into the same database) one at
a time under `gunicorn -w 2`, and sends each the same notices: first from several
concurrent clients (throughput, and latency under that load), then from one client
(latency of one notice on an idle server). Figures go to docs/benchmarks.md (Machine and
Intake sections) and raw JSON to bench/results/.

    .venv/bin/python bench/intake.py                 # both backends, the defaults below
    .venv/bin/python bench/intake.py --backends sqlite --requests 500 --rounds 1 --no-doc
"""

from __future__ import annotations

import argparse
import functools
import http.client
import itertools
import json
import os
import random
import signal
import statistics
import sys
import tempfile
import textwrap
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import common
from sqlalchemy import create_engine, func, select
from sqlmodel import Session

# encompass (and what imports it) is imported late, once --ref has chosen which code.
if TYPE_CHECKING:
    import intake_data

TARGET_RATIO = 0.5
PG_DATABASE = "encompass_bench"
API_PATH = "/api/v1/notices"
MINIMAL_PATH = "/minimal"
SERVICE_APP = "encompass:create_app()"
CPUS = os.cpu_count() or 1
RATE_LIMIT = 10_000_000  # API requests per minute: see server_env


# --- the databases -------------------------------------------------------------------------
@dataclass
class Backend:
    name: str
    url: str
    version: str
    detail: str = ""


def prepare(backend: Backend, args: argparse.Namespace, workdir: Path) -> intake_data.Seeded:
    """Migrate, make the minimal endpoint's table, seed the roll; the same data every time."""
    import intake_data
    import minimal_app

    started = time.monotonic()
    seeded = intake_data.migrate_and_seed(
        backend.url,
        pupils=args.pupils,
        settings=args.settings,
        seed_value=args.seed,
        workdir=workdir,
        also_create=minimal_app.metadata,
    )
    print(
        f"intake: {backend.name}: migrated and seeded {args.pupils:,} pupils in "
        f"{args.settings} settings in {time.monotonic() - started:.1f}s",
        flush=True,
    )
    return seeded


def stored_counts(url: str) -> dict[str, Any]:
    """What the real app wrote, to check each notice did all its work."""
    import minimal_app

    from encompass.models import Alert, AuditEvent, Child, Delivery, Notice

    engine = create_engine(url)
    try:
        with Session(engine) as session:
            count = func.count()
            rows = session.execute(select(Child.outcome, count).group_by(Child.outcome)).all()
            return {
                "notices": session.scalar(select(count).select_from(Notice)),
                "children": {outcome: n for outcome, n in rows},
                "alerts": session.scalar(select(count).select_from(Alert)),
                "deliveries": session.scalar(select(count).select_from(Delivery)),
                "audit_events": session.scalar(select(count).select_from(AuditEvent)),
                "minimal_rows": session.scalar(
                    select(count).select_from(minimal_app.bench_minimal)
                ),
            }
    finally:
        engine.dispose()


# --- the load ------------------------------------------------------------------------------
@dataclass
class RunResult:
    clients: int
    requests: int
    elapsed_s: float
    statuses: dict[str, int]
    errors: int
    server_cpu_s: float
    database_cpu_s: float | None
    other_cpu_s: float
    latencies_ms: list[float] = field(repr=False)

    @property
    def throughput(self) -> float:
        return self.requests / self.elapsed_s if self.elapsed_s else 0.0

    def brief(self) -> str:
        p50 = common.percentile(self.latencies_ms, 50)
        p99 = common.percentile(self.latencies_ms, 99)
        return (
            f"{self.requests} requests from {self.clients} clients in {self.elapsed_s:.1f}s = "
            f"{self.throughput:.1f}/s, p50 {p50:.1f} ms, p99 {p99:.1f} ms, "
            f"errors {self.errors} {self.statuses}"
        )


def _post(
    conn: http.client.HTTPConnection, path: str, body: bytes, headers: dict[str, str]
) -> tuple[int, bytes, bool]:
    conn.request("POST", path, body=body, headers=headers)
    resp = conn.getresponse()
    data = resp.read()
    return resp.status, data, resp.will_close


def send(
    url: str,
    path: str,
    bodies: list[bytes],
    *,
    api_key: str,
    clients: int,
    time_limit: float,
) -> tuple[float, list[float], Counter[str]]:
    """POST every body (or as many as fit in time_limit) from `clients` threads at once.

    Returns the wall time, every request's latency in ms, and the count of each status.
    """
    parts = urlsplit(url)
    if parts.hostname != common.HOST:
        raise ValueError("load goes to 127.0.0.1 only")
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {api_key}"}
    next_index = itertools.count()
    index_lock = threading.Lock()
    latencies: list[list[float]] = [[] for _ in range(clients)]
    statuses: list[Counter[str]] = [Counter() for _ in range(clients)]
    start = threading.Barrier(clients + 1)
    deadline = time.monotonic() + time_limit

    def client(slot: int) -> None:
        conn: http.client.HTTPConnection | None = None
        start.wait()
        while time.monotonic() < deadline:
            with index_lock:
                n = next(next_index)
            if n >= len(bodies):
                break
            if conn is None:
                conn = http.client.HTTPConnection(common.HOST, parts.port, timeout=60)
            began = time.perf_counter()
            try:
                status, _, will_close = _post(conn, path, bodies[n], headers)
            except (OSError, http.client.HTTPException) as exc:
                latencies[slot].append((time.perf_counter() - began) * 1000)
                statuses[slot][type(exc).__name__] += 1
                conn.close()
                conn = None
                continue
            latencies[slot].append((time.perf_counter() - began) * 1000)
            statuses[slot][str(status)] += 1
            if will_close:  # gunicorn's sync workers close the connection after each response
                conn.close()
                conn = None
        if conn is not None:
            conn.close()

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(clients)]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    merged: Counter[str] = sum(statuses, Counter())
    return elapsed, sorted(itertools.chain.from_iterable(latencies)), merged


def measured(
    server: common.Server,
    database_pids: Callable[[], list[int]] | None,
    run: Callable[[], tuple[float, list[float], Counter[str]]],
    clients: int,
) -> RunResult:
    """Run the load and note the CPU time gunicorn (and PostgreSQL's backends) spent on it."""
    machine_before = common.machine_busy_seconds()
    own_before = time.process_time()
    server_before = server.cpu_seconds()
    pids = database_pids() if database_pids is not None else []
    db_before = {pid: common.process_cpu_seconds([pid]) for pid in pids}
    elapsed, latencies, statuses = run()
    server_cpu = server.cpu_seconds() - server_before
    db_cpu = None
    if database_pids is not None:
        after = {pid: common.process_cpu_seconds([pid]) for pid in database_pids()}
        db_cpu = sum(cpu - db_before.get(pid, 0.0) for pid, cpu in after.items())
    # Whatever else kept the CPUs busy meanwhile: other work on the machine, and the
    # database's background processes.
    other = common.machine_busy_seconds() - machine_before
    other -= server_cpu + (db_cpu or 0.0) + (time.process_time() - own_before)
    return RunResult(
        clients=clients,
        requests=len(latencies),
        elapsed_s=elapsed,
        statuses=dict(statuses),
        errors=sum(n for status, n in statuses.items() if status != "201"),
        server_cpu_s=server_cpu,
        database_cpu_s=db_cpu,
        other_cpu_s=max(other, 0.0),
        latencies_ms=latencies,
    )


def check_first_response(url: str, body: bytes, api_key: str) -> None:
    """One notice sent by hand: the children must come back matched, matched, review."""
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(common.HOST, parts.port, timeout=60)
    try:
        headers = {"Content-Type": "application/json", "Authorization": f"Bearer {api_key}"}
        status, data, _ = _post(conn, API_PATH, body, headers)
    finally:
        conn.close()
    if status != 201:
        raise RuntimeError(f"the real app answered {status}: {data[:500]!r}")
    outcomes = [c["outcome"] for c in json.loads(data)["children"]]
    if outcomes != ["matched", "matched", "review"]:
        raise RuntimeError(f"expected matched, matched, review; got {outcomes}")


# --- one backend ---------------------------------------------------------------------------
def server_env(url: str, workdir: Path) -> dict[str, str]:
    """The environment gunicorn gets: the development profile and this database, no .env."""
    keep = ("PATH", "HOME", "LANG", "LC_ALL", "TZ", "TMPDIR", "VIRTUAL_ENV", "BENCH_FLOOR_NO_MATCH")
    env = {k: v for k, v in os.environ.items() if k in keep}
    env.update(
        ENCOMPASS_ENV="development",
        DATABASE_URL=url,
        ENCOMPASS_INSTANCE_DIR=str(workdir / "instance"),
        PYTHONDONTWRITEBYTECODE="1",
        # Every notice comes from one address and one key, far above the per-minute limits;
        # raise them so the limiter still does its work on every request but never says no.
        API_REQUESTS_PER_KEY_PER_MINUTE=str(RATE_LIMIT),
        API_REQUESTS_PER_ADDRESS_PER_MINUTE=str(RATE_LIMIT),
    )
    return env


def measure_endpoint(
    which: str,
    backend: Backend,
    args: argparse.Namespace,
    workdir: Path,
    seeded: intake_data.Seeded,
    prefix: str,
    rng: random.Random,
) -> dict[str, RunResult]:
    """Start gunicorn for one endpoint, warm it up, load it, then time single requests."""
    import intake_data

    warm = intake_data.notice_bodies(args.warmup + 1, prefix + "W", seeded.matchable, rng)
    bodies = intake_data.notice_bodies(args.requests, prefix + "L", seeded.matchable, rng)
    single = intake_data.notice_bodies(args.single, prefix + "S", seeded.matchable, rng)
    extra = ["--worker-class", "sync"]
    if which == "real":
        app, path = args.real_app, API_PATH
        extra += ["--pythonpath", args.pythonpath] if args.pythonpath else []
    else:
        app, path = "minimal_app:create_app()", MINIMAL_PATH
        extra += ["--pythonpath", str(common.BENCH)]
    database_pids: Callable[[], list[int]] | None = None
    if backend.name == "postgresql":
        database_pids = functools.partial(common.postgres_backend_pids, backend.url)

    def load(bodies: list[bytes], clients: int) -> Callable[[], Any]:
        return lambda: send(
            server.url,
            path,
            bodies,
            api_key=seeded.api_key,
            clients=clients,
            time_limit=args.time_limit,
        )

    with common.gunicorn(
        app,
        env=server_env(backend.url, workdir),
        cwd=workdir,
        log=workdir / f"gunicorn-{backend.name}-{which}.log",
        workers=args.workers,
        extra_args=extra,
        source=args.source,
    ) as server:
        if which == "real":
            check_first_response(server.url, warm.pop(), seeded.api_key)
        load(warm, args.clients)()
        results = {
            "load": measured(server, database_pids, load(bodies, args.clients), args.clients),
            "single": measured(server, database_pids, load(single, 1), 1),
        }
    return results


def run_backend(backend: Backend, args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    seeded = prepare(backend, args, workdir)
    rng = random.Random(args.seed + 1)
    runs: dict[str, dict[str, list[RunResult]]] = {
        which: {"load": [], "single": []} for which in ("real", "minimal")
    }
    stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S")
    for rnd in range(args.rounds):
        # Alternate which goes first, so neither always meets the same background load.
        order = ("real", "minimal") if rnd % 2 == 0 else ("minimal", "real")
        for which in order:
            prefix = f"BENCH-{backend.name[:2].upper()}{stamp}-{rnd}{which[0].upper()}-"
            if args.quiet_wait > 0:
                share = common.wait_for_quiet(args.quiet_below, args.quiet_wait)
                if share >= args.quiet_below:
                    print(f"intake: the machine is still {share:.0%} busy; going on", flush=True)
            results = measure_endpoint(which, backend, args, workdir, seeded, prefix, rng)
            for kind, result in results.items():
                runs[which][kind].append(result)
                print(
                    f"intake: {backend.name} round {rnd + 1}/{args.rounds} {which:>7} "
                    f"{kind:>6}: {result.brief()}",
                    flush=True,
                )
    return {"backend": backend, "runs": runs, "stored": stored_counts(backend.url)}


# --- the report ----------------------------------------------------------------------------
def summarise(runs: list[RunResult]) -> dict[str, Any]:
    """All rounds together: total requests over total time; percentiles of every request."""
    latencies = sorted(itertools.chain.from_iterable(r.latencies_ms for r in runs))
    elapsed = sum(r.elapsed_s for r in runs)
    requests = sum(r.requests for r in runs)
    statuses: Counter[str] = sum((Counter(r.statuses) for r in runs), Counter())
    db_cpu = [r.database_cpu_s for r in runs if r.database_cpu_s is not None]
    return {
        "requests": requests,
        "errors": sum(r.errors for r in runs),
        "statuses": dict(statuses),
        "elapsed_s": round(elapsed, 3),
        "throughput": round(requests / elapsed, 1) if elapsed else 0.0,
        "rounds_throughput": [round(r.throughput, 1) for r in runs],
        "p50_ms": round(common.percentile(latencies, 50), 1),
        "p90_ms": round(common.percentile(latencies, 90), 1),
        "p99_ms": round(common.percentile(latencies, 99), 1),
        "max_ms": round(latencies[-1], 1) if latencies else None,
        "mean_ms": round(statistics.fmean(latencies), 1) if latencies else None,
        "server_cpu_ms_per_request": round(sum(r.server_cpu_s for r in runs) / requests * 1000, 2)
        if requests
        else None,
        "database_cpu_ms_per_request": round(sum(db_cpu) / requests * 1000, 2)
        if db_cpu and requests
        else None,
        "other_cpu_share": round(sum(r.other_cpu_s for r in runs) / elapsed / CPUS, 3)
        if elapsed
        else None,
    }


def _cpu(s: dict[str, Any]) -> str:
    text = f"{s['server_cpu_ms_per_request']:.1f}"
    if s["database_cpu_ms_per_request"] is not None:
        text += f" + {s['database_cpu_ms_per_request']:.1f}"
    return text


def intake_section(report: dict[str, Any]) -> str:
    cfg = report["config"]
    rounds = f"{cfg['rounds']} round{'s' if cfg['rounds'] != 1 else ''}"
    lines = [
        common.para(f"Run {report['machine']['date']} with `{report['command']}`."),
        "",
        common.para(
            f"`POST /api/v1/notices` against a roll of {cfg['pupils']:,} pupils in "
            f"{cfg['settings']} settings in {min(10, cfg['settings'])} councils, each council "
            "with a fallback team (one DSL each, with phone and e-mail; no term dates, so "
            "every setting is on the weekday calendar), the roll loaded through the service's "
            "own roll import. Every notice has "
            "three children: two on the roll, matched (each makes an alert, an alert link, "
            "and an SMS and an e-mail to queue), and one of school age on no roll, sent to "
            "review. The baseline is "
            "`bench/minimal_app.py`: `POST /minimal` with the same bodies does a JSON parse, "
            "one insert and a commit, into the same database with the same engine settings. "
            "SQLite is a file in a temporary directory (WAL, synchronous=NORMAL, as "
            "`encompass.db` sets them); PostgreSQL runs with the settings in the Machine "
            "section, in a database made for the run and dropped after it."
        ),
        "",
        common.para(
            f"Each endpoint runs alone under `gunicorn --workers {cfg['workers']}` (sync "
            f"workers), for {rounds}, alternating which goes first. A round is "
            f"{cfg['warmup']} warm-up requests (not counted), {cfg['requests']:,} requests "
            f"from {cfg['clients']} concurrent clients (**load**: throughput, and latency "
            f"with every worker busy), then {cfg['single']} from one client (**single**: "
            "latency on an idle server). Throughput is the counted requests over the time "
            "they took; percentiles are over every counted request of every round. Latency "
            "is the client's: connect, send, wait for a worker, read the answer. The API's "
            "per-minute rate limits are raised for the real app (the limiter still counts "
            "every request, it just never refuses one). CPU is "
            "gunicorn's (master and workers) per notice under load, plus that of "
            "PostgreSQL's server processes for the database; SQLite works inside gunicorn."
        ),
        "",
        "| backend | endpoint | notices/s | load p50 ms | load p99 ms | single p50 ms "
        "| single p99 ms | CPU ms/notice | errors | per round (notices/s) |",
        "|---|---|--:|--:|--:|--:|--:|--:|--:|---|",
    ]
    verdicts = []
    for b in report["backends"]:
        for which, label in (("real", "`POST /api/v1/notices`"), ("minimal", "minimal insert")):
            load, single = b[which]["load"], b[which]["single"]
            per_round = ", ".join(f"{x:.1f}" for x in load["rounds_throughput"])
            lines.append(
                f"| {b['name']} {b['version']} | {label} | **{load['throughput']:.1f}** "
                f"| {load['p50_ms']:.1f} | {load['p99_ms']:.1f} "
                f"| {single['p50_ms']:.1f} | {single['p99_ms']:.1f} | {_cpu(load)} "
                f"| {load['errors'] + single['errors']} | {per_round} |"
            )
        ratio = b["ratio"]
        pairs = zip(
            b["real"]["load"]["rounds_throughput"],
            b["minimal"]["load"]["rounds_throughput"],
            strict=True,
        )
        by_round = [real / minimal for real, minimal in pairs if minimal]
        verdicts.append(
            f"| {b['name']} | {b['real']['load']['throughput']:.1f} "
            f"| {b['minimal']['load']['throughput']:.1f} | **{ratio:.2f}** "
            f"| {statistics.median(by_round):.2f} ({min(by_round):.2f} to {max(by_round):.2f}) "
            f"| {TARGET_RATIO:.2f} | {'met' if ratio >= TARGET_RATIO else '**not met**'} |"
        )
    lines += [
        "",
        common.para(
            "The ratio is the real intake's throughput over the minimal endpoint's on the "
            "same database, over the whole run; by round, it is each round's real run over "
            "that round's minimal run, which ran next to it and met much the same background "
            f"load. Target: at least {TARGET_RATIO:g}."
        ),
        "",
        "| backend | real notices/s | minimal notices/s | ratio | by round: median (range) "
        "| target | |",
        "|---|--:|--:|--:|--:|--:|---|",
        *verdicts,
        "",
        common.para(
            "Stored by the real app by the end of the run (warm-up, check and single-client "
            "notices included), as a check that every notice did all its work:"
        ),
        "",
    ]
    for b in report["backends"]:
        st = b["stored"]
        children = ", ".join(f"{n:,} {k}" for k, n in sorted(st["children"].items()))
        item = (
            f"- {b['name']}: {st['notices']:,} notices; children {children}; "
            f"{st['alerts']:,} alerts; {st['deliveries']:,} deliveries queued; "
            f"{st['audit_events']:,} audit events."
        )
        lines.append(textwrap.fill(item, width=88, subsequent_indent="  "))
    shares = [
        b[which]["load"]["other_cpu_share"]
        for b in report["backends"]
        for which in ("real", "minimal")
        if b[which]["load"]["other_cpu_share"] is not None
    ]
    if shares:
        waited = ""
        if cfg.get("quiet_wait"):
            waited = (
                f" Before each run the script waited up to {cfg['quiet_wait']:.0f}s for other "
                f"work to drop below {cfg['quiet_below']:.0%} of the CPUs."
            )
        lines += [
            "",
            common.para(
                "Other work on the machine (anything but gunicorn, the database's server "
                "processes for this database and the load generator) used "
                f"{min(shares):.0%} to {max(shares):.0%} of its {CPUS} CPUs during the loaded "
                f"runs; the more, the lower the figures.{waited}"
            ),
        ]
    if report.get("skipped"):
        lines += ["", "Skipped: " + "; ".join(report["skipped"]) + "."]
    lines += ["", f"Raw figures: `bench/results/{report['results_file']}` (not committed)."]
    return "\n".join(lines)


def backend_report(done: dict[str, Any]) -> dict[str, Any]:
    runs = done["runs"]
    summary = {
        which: {kind: summarise(results) for kind, results in kinds.items()}
        for which, kinds in runs.items()
    }
    ratio = summary["real"]["load"]["throughput"] / summary["minimal"]["load"]["throughput"]
    return {
        "name": done["backend"].name,
        "version": done["backend"].version,
        "detail": done["backend"].detail,
        **summary,
        "ratio": round(ratio, 3),
        "stored": done["stored"],
        "runs": {
            which: {
                kind: [
                    {
                        "clients": r.clients,
                        "requests": r.requests,
                        "elapsed_s": round(r.elapsed_s, 3),
                        "throughput": round(r.throughput, 1),
                        "p50_ms": round(common.percentile(r.latencies_ms, 50), 1),
                        "p99_ms": round(common.percentile(r.latencies_ms, 99), 1),
                        "statuses": r.statuses,
                        "server_cpu_s": round(r.server_cpu_s, 2),
                        "database_cpu_s": r.database_cpu_s,
                        "other_cpu_s": round(r.other_cpu_s, 2),
                    }
                    for r in results
                ]
                for kind, results in kinds.items()
            }
            for which, kinds in runs.items()
        },
    }


# --- main ----------------------------------------------------------------------------------
def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    p.add_argument("--backends", default="sqlite,postgresql", help="comma-separated")
    p.add_argument("--requests", type=int, default=2000, help="loaded requests per round")
    p.add_argument("--single", type=int, default=200, help="one-client requests per round")
    p.add_argument("--warmup", type=int, default=100, help="uncounted requests per round")
    p.add_argument("--rounds", type=int, default=3, help="rounds per endpoint and backend")
    p.add_argument("--clients", type=int, default=8, help="concurrent clients under load")
    p.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    p.add_argument("--time-limit", type=float, default=120.0, help="seconds per run, at most")
    p.add_argument("--pupils", type=int, default=100_000)
    p.add_argument("--settings", type=int, default=300)
    p.add_argument("--seed", type=int, default=20261123)
    p.add_argument(
        "--quiet-below",
        type=float,
        default=0.3,
        help="before each run, wait until other work keeps less than this share of the CPUs",
    )
    p.add_argument(
        "--quiet-wait", type=float, default=120.0, help="seconds to wait for that, at most"
    )
    p.add_argument("--pg-admin-url", default=common.PG_ADMIN_URL)
    p.add_argument("--no-doc", action="store_true", help="do not touch docs/benchmarks.md")
    p.add_argument(
        "--from-results",
        metavar="JSON",
        help="measure nothing: write docs/benchmarks.md again from an earlier run's JSON",
    )
    p.add_argument(
        "--real-app",
        default=SERVICE_APP,
        help="gunicorn app to measure instead of the service (to try a fix before making it)",
    )
    p.add_argument("--pythonpath", help="directory gunicorn adds to sys.path for --real-app")
    p.add_argument(
        "--ref",
        help="measure this commit (e.g. HEAD), extracted to a temporary directory, instead of "
        "the working tree with whatever edits are under way",
    )
    args = p.parse_args(argv)
    args.backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    unknown = set(args.backends) - {"sqlite", "postgresql"}
    if unknown:
        p.error(f"unknown backends: {', '.join(sorted(unknown))}")
    if min(args.requests, args.single, args.rounds, args.clients, args.workers) < 1:
        p.error("--requests, --single, --rounds, --clients and --workers must be at least 1")
    if args.warmup < 0 or args.pupils < 1000 or args.settings < 1:
        p.error("--warmup must be 0 or more, --pupils at least 1000, --settings at least 1")
    if args.requests > 100_000 or args.clients > 64 or args.time_limit > 1800:
        p.error("keep it bounded: --requests <= 100000, --clients <= 64, --time-limit <= 1800")
    return args


def _raise_on_sigterm(signum: int, frame: Any) -> None:
    raise SystemExit(128 + signum)  # so the finally blocks stop gunicorn


def run_all(args: argparse.Namespace, workdir: Path) -> tuple[list[dict[str, Any]], list[str]]:
    done, skipped = [], []
    for name in args.backends:
        if name == "sqlite":
            import sqlite3

            backend = Backend(
                "sqlite", f"sqlite:///{workdir / 'encompass.db'}", sqlite3.sqlite_version
            )
        else:
            made = common.fresh_postgres(args.pg_admin_url, PG_DATABASE)
            if made is None:
                skipped.append("PostgreSQL (no server answered)")
                continue
            url, version = made
            backend = Backend("postgresql", url, version, common.postgres_settings(url))
        try:
            done.append(run_backend(backend, args, workdir))
        except BaseException:
            for log in sorted(workdir.glob("gunicorn-*.log")):
                tail = log.read_text(errors="replace").splitlines()[-20:]
                print(f"--- last lines of {log.name}:", *tail, sep="\n", file=sys.stderr)
            raise
        finally:
            if name == "postgresql":
                common.drop_postgres(args.pg_admin_url, PG_DATABASE)
    return done, skipped


def write_doc(report: dict[str, Any]) -> None:
    common.update_doc(
        {"Machine": common.machine_section(report["machine"]), "Intake": intake_section(report)}
    )
    print(f"intake: wrote the Machine and Intake sections of {common.DOC}")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.from_results:
        write_doc(json.loads(Path(args.from_results).read_text()))
        return 0
    signal.signal(signal.SIGTERM, _raise_on_sigterm)
    command = " ".join(["python bench/intake.py", *(sys.argv[1:] if argv is None else argv)])
    code = None
    with tempfile.TemporaryDirectory(prefix="encompass-bench-") as tmp:
        args.source = None
        if args.ref:
            args.source = Path(tmp) / "source"
            commit = common.snapshot(args.ref, args.source)
            common.use_source(args.source)
            code = f"{commit[:7]} (`--ref {args.ref}`)"
        done, skipped = run_all(args, Path(tmp))

    pg_version = next(
        (
            f"{d['backend'].version} ({d['backend'].detail})"
            for d in done
            if d["backend"].name == "postgresql"
        ),
        None,
    )
    machine = common.machine_info(pg_version, code)
    results_file = f"intake-{datetime.now(UTC).strftime('%Y%m%dT%H%M%SZ')}.json"
    backends = [backend_report(d) for d in done]
    report = {
        "command": command,
        "machine": machine,
        "config": {
            k: v
            for k, v in vars(args).items()
            if k not in ("pg_admin_url", "no_doc", "backends", "source", "from_results")
        },
        "backends": backends,
        "skipped": skipped,
        "results_file": results_file,
    }
    common.RESULTS.mkdir(exist_ok=True)
    (common.RESULTS / results_file).write_text(json.dumps(report, indent=2) + "\n")
    print(f"intake: raw figures in {common.RESULTS / results_file}")
    if not args.no_doc and backends:
        if args.real_app != SERVICE_APP:
            print("intake: --real-app is not the service, so docs/benchmarks.md is left alone")
        else:
            write_doc(report)
    for b in backends:
        print(
            f"intake: {b['name']}: real {b['real']['load']['throughput']}/s, minimal "
            f"{b['minimal']['load']['throughput']}/s, ratio {b['ratio']:.2f} "
            f"(target {TARGET_RATIO})"
        )
    failed = any(b[w][k]["errors"] for b in backends for w in ("real", "minimal") for k in b[w])
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
