"""Timer-lag benchmark: how late escalation steps reach the provider when 10,000 fall due.

For each worker count (1, then 2) on a fresh PostgreSQL database it:

1. makes `encompass_bench_lag` (dropped and made again), migrates it with
   `encompass db upgrade`, and seeds N settings, each with a DSL and a deputy (their own
   phones and e-mails), and one alert per setting (a notice, a matched child, the alert
   with the default ladder snapshotted, step 0 already sent: step_index 1, fence 0,
   status "sent", and the DSL's SMS and e-mail of step 0 in the delivery table). The
   alerts have no timer yet;
2. starts the fake Twilio (bench/fast_twilio.py, its own process) and the workers
   (`encompass worker`, development profile, a temporary directory as cwd so no .env is
   read, WORKER_INTERVAL_SECONDS --interval), and waits until every worker has started;
3. arms the timers in one UPDATE: step 1 ("deputy": the deputy's SMS and e-mail and a
   call to the DSL) falls due for alert k at start + k * spread / N, the first --lead
   seconds from now, all of them within --spread seconds (one minute);
4. waits until every step has fired and every message of it has been sent (or the time
   limit passes), stops the workers and the fake Twilio, and reads what happened.

The lag of a step is the time the fake Twilio received the step's first request (the
deputy's SMS or the DSL's call, whichever came first; time.time() as it arrived) minus
the alert's next_step_at. Figures go to docs/benchmarks.md (the "Timer lag" section,
nothing else) and raw JSON to bench/results/.

    .venv/bin/python bench/timer_lag.py                          # 1 and 2 workers
    .venv/bin/python bench/timer_lag.py --workers 2 --alerts 2000 --no-doc
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import copy
import json
import math
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from bisect import bisect_left
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import common
from sqlalchemy import MetaData, create_engine, insert, text
from sqlalchemy.engine import Connection, Engine

TARGET_P99_S = 2.0
PG_DATABASE = "encompass_bench_lag"
SECTION = "Timer lag"
# Step 1 of the default ladder: the deputy's SMS and e-mail, and a call to the DSL.
STEP_REASON = "escalation:deputy"
MESSAGES_PER_STEP = 3
PROVIDER_REQUESTS_PER_STEP = 2
BIN = Path(sys.executable).parent
# A Fernet key (url-safe base64 of 32 bytes), made fresh for each run of the script.
DATA_KEY = base64.urlsafe_b64encode(os.urandom(32)).decode()


# --- the data ------------------------------------------------------------------------------
def migrate(url: str, workdir: Path, source: Path | None) -> None:
    subprocess.run(
        [str(BIN / "encompass"), "db", "upgrade"],
        cwd=workdir,
        env=worker_env(url, {}, None, source),
        check=True,
        capture_output=True,
    )


class Seeder:
    """Bulk inserts into the tables as the migrations made them (reflected, not the models,
    so a model edited ahead of its migration does not matter)."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.meta = MetaData()
        self.meta.reflect(conn)

    def insert(self, name: str, rows: list[dict[str, Any]], ids: bool = True) -> list[int]:
        """Insert the rows (batched by the driver); their ids, in order."""
        table = self.meta.tables[name]
        have = set(table.c.keys())
        missing = [
            c.name
            for c in table.c
            if not c.nullable
            and c.server_default is None
            and not c.primary_key
            and c.name not in rows[0]
        ]
        if missing:
            raise RuntimeError(f"timer-lag: seed() gives no value for {name}.{missing}")
        rows = [{k: v for k, v in row.items() if k in have} for row in rows]
        if not ids:
            self.conn.execute(insert(table), rows)
            return []
        result = self.conn.execute(
            insert(table).returning(table.c.id, sort_by_parameter_order=True), rows
        )
        return [int(i) for i in result.scalars()]


def seed(engine: Engine, n: int, ladder: list[dict[str, Any]]) -> None:
    """N settings, each with a DSL and a deputy, and one alert whose step 0 has gone.

    Times are naive UTC, as the service stores them; the alerts get no timer here.
    """
    now = datetime.now(UTC).replace(tzinfo=None)
    sent = now - timedelta(minutes=15)  # step 0 went out; arm() sets the real times
    with engine.begin() as conn:
        db = Seeder(conn)
        (force_id,) = db.insert(
            "police_force",
            [
                {
                    "name": "Bench Police",
                    "api_key_hash": "0" * 64,  # older schemas keep the key on the force
                    "api_key_prefix": "enc_bench",
                    "created_at": sent,
                }
            ],
        )
        setting_ids = db.insert(
            "setting",
            [
                {
                    "urn": f"9{i:06d}",
                    "name": f"Bench Primary School {i}",
                    "kind": "school",
                    "type_name": "Community school",
                    "phase": "Primary",
                    "la_code": "816",
                    "la_name": "York",
                    "postcode": "YO1 7HH",
                    "nation": "england",
                    "created_at": sent,
                    "updated_at": sent,
                }
                for i in range(n)
            ],
        )
        adults = []
        for i, setting_id in enumerate(setting_ids):
            for role, prefix in (("dsl", "+447911"), ("deputy", "+447922")):
                adults.append(
                    {
                        "setting_id": setting_id,
                        "la_code": "816",
                        "role": role,
                        "name": f"{role.title()} {i}",
                        "email": f"{role}{i}@bench.example.org",
                        "phone": f"{prefix}{i:06d}",
                        "active": True,
                        "created_at": sent,
                    }
                )
        adult_ids = db.insert("key_adult", adults)
        notice_ids = db.insert(
            "notice",
            [
                {
                    "force_id": force_id,
                    "police_reference": f"BENCH-LAG-{i:06d}",
                    "occurred_at": sent - timedelta(hours=1),
                    "received_at": sent,
                    "location_postcode": "YO1 7HH",
                    "circumstances": "",
                    "risk_level": "medium",
                    "officer_name": "PC Bench",
                    "officer_collar_number": "",
                    "officer_contact_phone": "+441234567890",
                    "adults": [],
                }
                for i in range(n)
            ],
        )
        child_ids = db.insert(
            "child",
            [
                {
                    "notice_id": notice_id,
                    "position": 0,
                    "given_name": "Amelia",
                    "family_name": f"Bench{i}",
                    "unborn": False,
                    "postcode": "YO1 7HH",
                    "address": "",
                    "present": False,
                    "where": "",
                    "spoken_to": False,
                    "voice_of_child": "",
                    "other_adult_present": False,
                    "outcome": "matched",
                    "setting_id": setting_ids[i],
                    "match_reason": "bench",
                    "due_by": now,
                    "holiday_period": False,
                    "holiday_lead_up": False,
                    "created_at": sent,
                }
                for i, notice_id in enumerate(notice_ids)
            ],
        )
        alert_ids = db.insert(
            "alert",
            [
                {
                    "child_id": child_id,
                    "setting_id": setting_ids[i],
                    "status": "sent",
                    "due_by": now,
                    "created_at": sent,
                    "sent_at": sent,
                    "child_presentation": "",
                    "holiday_routed": False,
                    "ladder": ladder,
                    "step_index": 1,
                    "fence": 0,
                    "next_step_at": None,  # armed once the workers run
                }
                for i, child_id in enumerate(child_ids)
            ],
        )
        history = []
        for i, alert_id in enumerate(alert_ids):
            dsl_id = adult_ids[2 * i]
            for channel, to in (("sms", f"+447911{i:06d}"), ("email", f"dsl{i}@bench.example.org")):
                history.append(
                    {
                        "alert_id": alert_id,
                        "key_adult_id": dsl_id,
                        "reason": "alert",
                        "channel": channel,
                        "transport": "twilio" if channel == "sms" else "outbox",
                        "to_address": to,
                        "subject": "Operation Encompass" if channel == "email" else "",
                        "body": f"Operation Encompass alert {i} (step 0, already sent).",
                        "status": "sent",
                        "due_at": sent,
                        "attempts": 1,
                        "claimed_at": sent,
                        "sent_at": sent,
                        "provider_id": f"SM{uuid.uuid4().hex}" if channel == "sms" else None,
                        "created_at": sent,
                        "updated_at": sent,
                    }
                )
        db.insert("delivery", history, ids=False)
    with engine.connect() as conn:
        conn.execution_options(isolation_level="AUTOCOMMIT").execute(text("VACUUM ANALYZE"))


def arm(engine: Engine, start: datetime, spread: float, n: int) -> None:
    """Every alert's step 1 falls due within `spread` seconds from `start`, in id order.

    due_by is the step time and the alert was created 15 minutes before it, so the
    ladder's own rule (at due_by, never sooner than 15 minutes after creation) gives the
    same time; a deadline this close also means quiet hours never hold the phone messages.
    """
    gap = spread / n if n else 0.0
    with engine.begin() as conn:
        conn.execute(
            text(
                """
                WITH ranked AS (
                    SELECT id, row_number() OVER (ORDER BY id) - 1 AS k FROM alert
                )
                UPDATE alert AS a
                SET next_step_at = :start + make_interval(secs => ranked.k * :gap),
                    due_by = :start + make_interval(secs => ranked.k * :gap),
                    created_at = :start + make_interval(secs => ranked.k * :gap)
                        - interval '15 minutes',
                    sent_at = :start + make_interval(secs => ranked.k * :gap)
                        - interval '15 minutes'
                FROM ranked
                WHERE a.id = ranked.id
                """
            ),
            {"start": start.astimezone(UTC).replace(tzinfo=None), "gap": gap},
        )


# --- the processes -------------------------------------------------------------------------
def worker_env(
    url: str, twilio: dict[str, str], concurrency: int | None, source: Path | None
) -> dict[str, str]:
    keep = ("PATH", "HOME", "LANG", "LC_ALL", "TZ", "TMPDIR", "VIRTUAL_ENV")
    env = {k: v for k, v in os.environ.items() if k in keep}
    if source is not None:
        env["PYTHONPATH"] = str(source)  # ahead of the editable install's finder
    env.update(
        ENCOMPASS_ENV="development",
        DATABASE_URL=url,
        PYTHONDONTWRITEBYTECODE="1",
        # A throwaway key, for code that encrypts personal data at rest.
        ENCOMPASS_DATA_KEYS=DATA_KEY,
        # One alert per setting: no phone gets more than two messages, far below any limit.
        # The limit is still checked for every SMS and call, as in production.
        SMS_PER_RECIPIENT_PER_HOUR="1000",
        VOICE_PER_RECIPIENT_PER_HOUR="1000",
        **twilio,
    )
    if concurrency:
        env["WORKER_SEND_CONCURRENCY"] = str(concurrency)
    return env


class FakeTwilio:
    """bench/fast_twilio.py in its own process."""

    def __init__(self, workdir: Path, tag: str, latency_ms: float = 0.0) -> None:
        self.latency_ms = latency_ms
        self.account_sid = "AC" + uuid.uuid4().hex
        self.auth_token = uuid.uuid4().hex
        self.port_file = workdir / f"twilio-{tag}.port"
        self.out = workdir / f"twilio-{tag}.json"
        self.log = workdir / f"twilio-{tag}.log"
        self.proc: subprocess.Popen[bytes] | None = None
        self.port = 0

    def start(self) -> FakeTwilio:
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen(
                [
                    sys.executable,
                    str(common.BENCH / "fast_twilio.py"),
                    "--account-sid",
                    self.account_sid,
                    "--auth-token",
                    self.auth_token,
                    "--port-file",
                    str(self.port_file),
                    "--out",
                    str(self.out),
                    "--latency-ms",
                    str(self.latency_ms),
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 30
        while not self.port_file.exists():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the fake Twilio did not start; see {self.log}")
            time.sleep(0.05)
        self.port = int(self.port_file.read_text())
        return self

    def config(self) -> dict[str, str]:
        return {
            "TWILIO_ACCOUNT_SID": self.account_sid,
            "TWILIO_AUTH_TOKEN": self.auth_token,
            "TWILIO_FROM": "+447700900123",
            "TWILIO_API_BASE": f"http://{common.HOST}:{self.port}",
        }

    def stop(self) -> list[tuple[float, str, str]]:
        """Stop it; every request it received: (arrival time, kind, To)."""
        if self.proc is None:
            return []
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=5)
        self.proc = None
        if not self.out.exists():
            raise RuntimeError(f"the fake Twilio wrote no records; see {self.log}")
        return [tuple(r) for r in json.loads(self.out.read_text())]  # type: ignore[misc]


class Worker:
    """One `encompass worker` process; under py-spy when profiling."""

    def __init__(self, env: dict[str, str], workdir: Path, name: str, profile: Path | None):
        self.log = workdir / f"{name}.log"
        self.profile = profile / f"{name}.txt" if profile else None
        cmd = [str(BIN / "encompass"), "worker"]
        if self.profile:
            cmd = [
                str(BIN / "py-spy"),
                "record",
                "--format",
                "raw",
                "--rate",
                "100",
                "--gil",  # only the thread holding the GIL: where the worker's CPU goes
                "--output",
                str(self.profile),
                "--",
                *cmd,
            ]
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen(
                cmd, cwd=workdir, env=env, stdout=log, stderr=subprocess.STDOUT
            )

    @property
    def worker_pid(self) -> int:
        """The worker's own process (py-spy's child when profiling)."""
        if not self.profile:
            return self.proc.pid
        children = common.child_pids(self.proc.pid)
        return children[0] if children else self.proc.pid

    def started(self) -> bool:
        if self.proc.poll() is not None:
            raise RuntimeError(f"a worker exited with {self.proc.returncode}; see {self.log}")
        return "worker started" in self.log.read_text(errors="replace")

    def cpu_seconds(self) -> float:
        return common.process_cpu_seconds([self.worker_pid])

    def stop(self) -> None:
        if self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.worker_pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(self.worker_pid, signal.SIGKILL)
                self.proc.kill()
                self.proc.wait(timeout=5)

    def log_counts(self) -> dict[str, int]:
        text_ = self.log.read_text(errors="replace")
        return {
            "ticks_with_work": text_.count(" tick at "),
            "warnings": len(re.findall(r" WARNING ", text_)),
            "errors": len(re.findall(r" (ERROR|CRITICAL) |Traceback", text_)),
        }


# --- one run -------------------------------------------------------------------------------
class PgWatch:
    """What the workers cost PostgreSQL: its backends' CPU, sampled as the run goes (a
    backend that lives less than a sampling interval is missed: see `sessions`), and the
    server's own counters for the database."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.cpu: dict[int, float] = {}

    def sample(self) -> None:
        with self.engine.connect() as conn:
            pids = conn.execute(
                text(
                    "SELECT pid FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            ).scalars()
            for pid in pids:
                cpu = common.process_cpu_seconds([int(pid)])
                self.cpu[int(pid)] = max(cpu, self.cpu.get(int(pid), 0.0))

    def counters(self) -> dict[str, int]:
        with self.engine.connect() as conn:
            conn.execute(text("SELECT pg_stat_clear_snapshot()"))
            db = conn.execute(
                text(
                    "SELECT sessions, active_time, xact_commit, xact_rollback, tup_returned, "
                    "tup_fetched, tup_inserted, tup_updated "
                    "FROM pg_stat_database WHERE datname = current_database()"
                )
            ).one()
            tables = conn.execute(
                text(
                    "SELECT relname, seq_scan, seq_tup_read, idx_scan FROM pg_stat_user_tables "
                    "WHERE relname IN ('alert', 'delivery', 'key_adult', 'setting')"
                )
            ).all()
        out = {k: int(v or 0) for k, v in db._mapping.items()}
        for relname, seq_scan, seq_tup_read, idx_scan in tables:
            out[f"{relname}_seq_scan"] = int(seq_scan or 0)
            out[f"{relname}_seq_tup_read"] = int(seq_tup_read or 0)
            out[f"{relname}_idx_scan"] = int(idx_scan or 0)
        return out


def _delta(after: dict[str, int], before: dict[str, int]) -> dict[str, int]:
    return {k: v - before.get(k, 0) for k, v in after.items()}


def progress(engine: Engine) -> tuple[int, int]:
    """(steps fired, messages of those steps that have left 'created'/'sending')."""
    with engine.connect() as conn:
        fired = conn.execute(text("SELECT count(*) FROM alert WHERE fence >= 1")).scalar_one()
        settled = conn.execute(
            text(
                "SELECT count(*) FROM delivery WHERE reason = :r "
                "AND status NOT IN ('created', 'sending')"
            ),
            {"r": STEP_REASON},
        ).scalar_one()
    return int(fired), int(settled)


def run_once(workers: int, url: str, args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    n = args.alerts
    tag = f"w{workers}"
    started = time.monotonic()
    migrate(url, workdir, args.source)
    engine = create_engine(url)
    procs: list[Worker] = []
    twilio = FakeTwilio(workdir, tag, args.provider_latency_ms)
    try:
        seed(engine, n, args.ladder)
        print(
            f"timer-lag: {workers} worker(s): seeded {n:,} alerts in "
            f"{time.monotonic() - started:.1f}s",
            flush=True,
        )
        twilio.start()
        env = worker_env(url, twilio.config(), args.concurrency, args.source)
        env["WORKER_INTERVAL_SECONDS"] = str(args.interval)
        profile = None
        if args.profile:
            profile = args.profile.resolve()
            profile.mkdir(parents=True, exist_ok=True)
        quiet_before = wait_for_quiet(args.quiet_below, args.quiet_wait)
        procs = [Worker(env, workdir, f"worker-{tag}-{i + 1}", profile) for i in range(workers)]
        deadline = time.monotonic() + 60
        while not all(p.started() for p in procs):
            if time.monotonic() > deadline:
                raise RuntimeError("the workers did not start within 60s")
            time.sleep(0.1)
        # What ticking costs with nothing due (the holiday, review and failure queries,
        # the sweeper), per worker, as a share of a CPU.
        idle0 = sum(p.cpu_seconds() for p in procs)
        time.sleep(3.0)
        idle_share = (sum(p.cpu_seconds() for p in procs) - idle0) / 3.0 / workers
        load_before = os.getloadavg()
        start = datetime.now(UTC) + timedelta(seconds=args.lead)
        arm(engine, start, args.spread, n)
        pg = PgWatch(engine)
        pg_before = pg.counters()
        cpu0 = {
            "workers": sum(p.cpu_seconds() for p in procs),
            "twilio": common.process_cpu_seconds([twilio.proc.pid]) if twilio.proc else 0.0,
            "machine": common.machine_busy_seconds(),
            "bench": _self_cpu(),
        }
        t_armed = time.time()
        hard_stop = time.monotonic() + args.lead + args.spread + args.time_limit
        fired = settled = 0
        last_print = 0.0
        while True:
            fired, settled = progress(engine)
            pg.sample()
            if fired >= n and settled >= n * MESSAGES_PER_STEP:
                break
            if time.monotonic() > hard_stop:
                print(f"timer-lag: time limit reached ({fired:,}/{n:,} steps fired)", flush=True)
                break
            for p in procs:
                if p.proc.poll() is not None:
                    raise RuntimeError(f"a worker exited early; see {p.log}")
            if time.monotonic() - last_print > 10:
                last_print = time.monotonic()
                print(
                    f"timer-lag: {workers} worker(s): {fired:,} steps fired, "
                    f"{settled:,}/{n * MESSAGES_PER_STEP:,} messages sent",
                    flush=True,
                )
            time.sleep(0.5)
        t_done = time.time()
        pg.sample()
        cpu1 = {
            "workers": sum(p.cpu_seconds() for p in procs),
            "twilio": common.process_cpu_seconds([twilio.proc.pid]) if twilio.proc else 0.0,
            "machine": common.machine_busy_seconds(),
            "bench": _self_cpu(),
            # Backends opened for the workers during the run: all their CPU is the run's.
            "postgres": sum(pg.cpu.values()),
        }
    finally:
        for p in procs:
            p.stop()
        records = twilio.stop()
        if twilio.proc is not None:
            twilio.proc.kill()
    time.sleep(1.0)  # the workers' backends have gone: their statistics are in
    pg_counters = _delta(pg.counters(), pg_before)
    rows = read_outcome(engine)
    engine.dispose()
    result = analyse(rows, records, n, start, t_armed, t_done, args.spread)
    cpu = {
        "workers": cpu1["workers"] - cpu0["workers"],
        "postgres": cpu1["postgres"],
        "fake_twilio": cpu1["twilio"] - cpu0["twilio"],
        "bench": cpu1["bench"] - cpu0["bench"],
        "machine": cpu1["machine"] - cpu0["machine"],
    }
    # Everything else the machine did meanwhile (other people's work; and PostgreSQL
    # backends too short-lived to be sampled): CPUs' worth, on average.
    others = cpu["machine"] - sum(v for k, v in cpu.items() if k != "machine")
    result.update(
        workers=workers,
        complete=fired >= n and settled >= n * MESSAGES_PER_STEP,
        load_average_before=[round(x, 2) for x in load_before],
        machine_busy_cpus_before=round(quiet_before, 2),
        idle_worker_cpu_share=round(idle_share, 3),
        other_cpus_during=round(others / (t_done - t_armed), 2),
        cpu_s={k: round(v, 1) for k, v in cpu.items()},
        cpu_ms_per_step={
            k: round(v / n * 1000, 2) for k, v in cpu.items() if k in ("workers", "postgres")
        },
        postgres_counters=pg_counters,
        worker_logs={p.log.name: p.log_counts() for p in procs},
        profiles=[str(p.profile) for p in procs if p.profile],
    )
    return result


def _self_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def wait_for_quiet(below: float, limit: float) -> float:
    """Wait (at most `limit` seconds) until the machine is busy with less than `below` CPUs'
    worth of work over 5 s; how busy it was when the wait ended."""
    deadline = time.monotonic() + limit
    while True:
        before = common.machine_busy_seconds()
        time.sleep(5.0)
        busy = (common.machine_busy_seconds() - before) / 5.0
        if busy < below or time.monotonic() >= deadline:
            if busy >= below:
                print(
                    f"timer-lag: the machine is still busy ({busy:.2f} CPUs); going on", flush=True
                )
            return busy
        print(f"timer-lag: the machine is busy ({busy:.2f} CPUs); waiting", flush=True)


def read_outcome(engine: Engine) -> dict[str, Any]:
    with engine.connect() as conn:
        alerts = conn.execute(
            text(
                """
                SELECT a.id, a.due_by, a.fence, a.step_index,
                       max(k.phone) FILTER (WHERE k.role = 'deputy') AS deputy_phone,
                       max(k.phone) FILTER (WHERE k.role = 'dsl') AS dsl_phone
                FROM alert a JOIN key_adult k ON k.setting_id = a.setting_id
                GROUP BY a.id
                """
            )
        ).all()
        deliveries = conn.execute(
            text("SELECT alert_id, channel, status, created_at FROM delivery WHERE reason = :r"),
            {"r": STEP_REASON},
        ).all()
    return {"alerts": alerts, "deliveries": deliveries}


def _epoch(naive_utc: datetime) -> float:
    return naive_utc.replace(tzinfo=UTC).timestamp()


def _dist(values: list[float]) -> dict[str, float | None]:
    """Percentiles; a step that never got there counts as infinitely late (shown as None)."""
    values = sorted(values)
    if not values:
        return {"count": 0, "unfinished": 0, "p50": None, "p90": None, "p99": None, "max": None}

    def at(pct: float) -> float | None:
        value = common.percentile(values, pct) if pct < 100 else values[-1]
        return None if math.isinf(value) else round(value, 3)

    return {
        "count": len(values),
        "unfinished": sum(1 for v in values if math.isinf(v)),
        "p50": at(50),
        "p90": at(90),
        "p99": at(99),
        "max": at(100),
    }


def _peak_rate(times: list[float], window: float = 5.0) -> float:
    """The most events in any `window` seconds, per second."""
    times = sorted(times)
    best = 0
    for i, t in enumerate(times):
        best = max(best, bisect_left(times, t + window) - i)
    return round(best / window, 1)


def analyse(
    rows: dict[str, Any],
    records: list[tuple[float, str, str]],
    n: int,
    start: datetime,
    t_armed: float,
    t_done: float,
    spread: float,
) -> dict[str, Any]:
    by_phone: dict[tuple[str, str], int] = {}
    due: dict[int, float] = {}
    fences: Counter[tuple[int, int]] = Counter()
    for alert_id, due_by, fence, step_index, deputy_phone, dsl_phone in rows["alerts"]:
        by_phone[("sms", deputy_phone)] = alert_id
        by_phone[("call", dsl_phone)] = alert_id
        fences[(fence, step_index)] += 1
        # Armed as the step's time (next_step_at moves on to the next step once fired).
        due[alert_id] = _epoch(due_by)
    first: dict[int, float] = {}
    last: dict[int, float] = {}
    per_alert_requests: Counter[int] = Counter()
    kinds: Counter[str] = Counter()
    provider_times = []
    for arrived, kind, to in records:
        kinds[kind] += 1
        alert_id_ = by_phone.get((kind, to))
        if alert_id_ is None:
            continue
        provider_times.append(arrived)
        per_alert_requests[alert_id_] += 1
        first[alert_id_] = min(first.get(alert_id_, arrived), arrived)
        last[alert_id_] = max(last.get(alert_id_, arrived), arrived)
    picked: dict[int, float] = {}
    statuses: Counter[str] = Counter()
    per_alert_messages: Counter[int] = Counter()
    for alert_id, _channel, status, created_at in rows["deliveries"]:
        statuses[status] += 1
        per_alert_messages[alert_id] += 1
        t = _epoch(created_at)
        picked[alert_id] = min(picked.get(alert_id, t), t)
    inf = math.inf
    lag = [first[a] - due[a] if a in first else inf for a in due]
    complete = [last[a] - due[a] if per_alert_requests[a] >= 2 else inf for a in due]
    pickup = [picked[a] - due[a] if a in picked else inf for a in due]
    fired_times = sorted(first.values())
    first_due = start.timestamp()
    steps_span = (fired_times[-1] - first_due) if fired_times else 0.0
    req_span = (provider_times and max(provider_times) - min(provider_times)) or 0.0
    return {
        "alerts": n,
        "steps_fired": sum(c for (f, _s), c in fences.items() if f >= 1),
        "fence_step": {f"{f}/{s}": c for (f, s), c in sorted(fences.items())},
        "steps_with_request": len(first),
        "steps_missing_request": n - len(first),
        "duplicate_requests": sum(c - 2 for c in per_alert_requests.values() if c > 2),
        "steps_with_wrong_message_count": sum(
            1 for a in due if per_alert_messages[a] != MESSAGES_PER_STEP
        ),
        "step_message_statuses": dict(statuses),
        "provider_requests": dict(kinds),
        "lag_s": _dist(lag),
        "lag_all_requests_s": _dist(complete),
        "pickup_lag_s": _dist(pickup),
        "lag_by_10s_of_due_time": _lag_by_bucket(first, due, first_due),
        "steps_per_s": round(len(first) / steps_span, 1) if steps_span > 0 else None,
        "peak_steps_per_s_5s": _peak_rate(fired_times),
        "provider_requests_per_s": round(len(provider_times) / req_span, 1) if req_span else None,
        "peak_provider_requests_per_s_5s": _peak_rate(provider_times),
        "offered_steps_per_s": round(n / spread, 1) if spread else None,
        "last_step_request_after_first_due_s": round(steps_span, 2),
        "run_seconds": round(t_done - t_armed, 1),
    }


def _lag_by_bucket(
    first: dict[int, float], due: dict[int, float], first_due: float
) -> list[dict[str, Any]]:
    buckets: dict[int, list[float]] = {}
    for a, t in first.items():
        buckets.setdefault(int((due[a] - first_due) // 10), []).append(t - due[a])
    out = []
    for b in sorted(buckets):
        d = _dist(buckets[b])
        out.append({"due_from_s": b * 10, "count": d["count"], "p50": d["p50"], "p99": d["p99"]})
    return out


# --- the report ----------------------------------------------------------------------------
def _s(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}"


def _lag(dist: dict[str, Any], key: str) -> str:
    """A lag figure; one beyond the steps that finished is shown as unfinished."""
    return "unfinished" if dist[key] is None and dist["unfinished"] else _s(dist[key])


def section(report: dict[str, Any]) -> str:
    m = report["machine"]
    cfg = report["config"]
    runs = report["runs"]
    n = cfg["alerts"]
    lines = [
        f"Run {m['date']} with `{report['command']}`.",
        "",
        "| | |",
        "|---|---|",
        f"| CPU | {m['cpu_model']} |",
        f"| Cores | {m['logical_cpus']} logical ({m['physical_cores']} physical) |",
        f"| RAM | {m['ram_gib']} GiB |",
        f"| PostgreSQL | {m['postgresql']} |",
        f"| Python / SQLAlchemy | {m['python']} / {m['sqlalchemy']} |",
        f"| Code | git {m['git_revision']} |",
        "",
        common.para(
            f"{n:,} alerts in {n:,} settings (a DSL and a deputy each, with their own phones), "
            "each with the default ladder snapshotted and step 0 already sent. Once the "
            'workers are running, step 1 ("deputy": the deputy\'s SMS and e-mail and a call '
            f"to the DSL) is armed to fall due for every alert within {cfg['spread']:g} s, "
            f"evenly spread ({n / cfg['spread']:.0f} steps a second), the first "
            f"{cfg['lead']:g} s later. The workers are real `encompass worker` processes "
            "(development profile, `WORKER_INTERVAL_SECONDS` "
            f"{cfg['interval']:g}, `WORKER_SEND_CONCURRENCY` "
            f"{cfg['concurrency'] or 'default (8)'}) on a fresh PostgreSQL database; SMS and "
            "calls go to a fake Twilio on 127.0.0.1 (`bench/fast_twilio.py`: asyncio, its own "
            "process, answers 201 "
            + (
                f"{cfg['provider_latency_ms']:g} ms after each request"
                if cfg.get("provider_latency_ms")
                else "at once"
            )
            + "); e-mail goes to the outbox transport (no SMTP)."
        ),
        "",
        common.para(
            "**Lag** is the time the fake Twilio received a step's first request (the deputy's "
            "SMS or the DSL's call) minus the alert's `next_step_at`; **all sent** is the same "
            "for the step's last request; **pick-up** is the worker tick's `now` when the step "
            "was fired (its deliveries' `created_at`) minus `next_step_at`. A step that had not "
            "got there when the run stopped counts as infinitely late. **steps/s** is the "
            "steps that reached the provider over the time from the first `next_step_at` to "
            "the last of them (a worker that keeps up shows about the offered "
            f"{n / cfg['spread']:.0f}/s); **peak** is the most in any 5 s. **CPU ms/step** is "
            "the workers' and PostgreSQL's (its backends for the database, sampled every "
            "0.5 s) CPU time over the steps. **Other load** is what the rest of the machine "
            "kept busy meanwhile, in CPUs: the figures are only comparable between runs with "
            f"little of it. Target: p99 lag under {TARGET_P99_S:g} s."
        ),
        "",
        "| workers | steps fired | lag p50 s | lag p90 s | lag p99 s | lag max s | "
        "all sent p99 s | pick-up p99 s | steps/s | peak steps/s | provider req/s | "
        "CPU ms/step: workers + PostgreSQL | other load | target |",
        "|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|--:|---|",
    ]
    for r in runs:
        lag = r["lag_s"]
        met = lag["p99"] is not None and lag["p99"] < TARGET_P99_S and r["complete"]
        per_step = r["cpu_ms_per_step"]
        lines.append(
            f"| {r['workers']} | {r['steps_fired']:,} | {_lag(lag, 'p50')} | "
            f"{_lag(lag, 'p90')} | **{_lag(lag, 'p99')}** | {_lag(lag, 'max')} | "
            f"{_lag(r['lag_all_requests_s'], 'p99')} | {_lag(r['pickup_lag_s'], 'p99')} | "
            f"{r['steps_per_s']} | {r['peak_steps_per_s_5s']} | "
            f"{r['provider_requests_per_s']} | {per_step['workers']:.1f} + "
            f"{per_step['postgres']:.1f} | {r['other_cpus_during']:.2f} | "
            f"{'met' if met else '**not met**'} |"
        )
    lines += ["", "Lag by when the step fell due (p50 / p99 s, per 10 s of the minute):", ""]
    heads = sorted({b["due_from_s"] for r in runs for b in r["lag_by_10s_of_due_time"]})
    lines.append("| workers | " + " | ".join(f"{h}-{h + 10} s" for h in heads) + " |")
    lines.append("|--:|" + "--:|" * len(heads))
    for r in runs:
        cells = {
            b["due_from_s"]: f"{_s(b['p50'])} / {_s(b['p99'])}" for b in r["lag_by_10s_of_due_time"]
        }
        lines.append(f"| {r['workers']} | " + " | ".join(cells.get(h, "") for h in heads) + " |")
    lines += ["", "Checks and conditions:", ""]
    for r in runs:
        c = r["postgres_counters"]
        lines.append(
            f"- {r['workers']} worker(s): {r['steps_fired']:,} of {n:,} steps fired "
            f"(fence/step_index {r['fence_step']}), {r['steps_missing_request']} without a "
            f"provider request, {r['duplicate_requests']} duplicate requests, "
            f"{r['steps_with_wrong_message_count']} steps without exactly {MESSAGES_PER_STEP} "
            f"messages; message statuses {r['step_message_statuses']}. An idle worker used "
            f"{r['idle_worker_cpu_share']:.0%} of a CPU ticking. CPU seconds: "
            f"{r['cpu_s']}. PostgreSQL: {c.get('sessions', 0)} sessions, "
            f"{c.get('xact_commit', 0):,} commits, active {c.get('active_time', 0) / 1000:.1f} s, "
            f"{c.get('delivery_seq_scan', 0):,} sequential scans of `delivery`. Before the run "
            f"other work kept {r['machine_busy_cpus_before']:.2f} CPUs busy (load average "
            f"{r['load_average_before'][0]})."
        )
    lines += ["", f"Raw figures: `bench/results/{report['results_file']}` (not committed)."]
    return "\n".join(lines)


def replace_section(name: str, body: str, path: Path = common.DOC) -> None:
    """Replace (or append) `## name` in docs/benchmarks.md; every other byte stays as it is.

    Read right before writing: other benchmarks write their own sections of the file.
    """
    text_ = path.read_text() if path.exists() else f"{common.DOC_TITLE}\n\n{common.DOC_INTRO}\n"
    lines = text_.splitlines(keepends=True)
    head = f"## {name}"
    begin = next((i for i, ln in enumerate(lines) if ln.rstrip() == head), None)
    new = [f"{head}\n", "\n", body.rstrip("\n") + "\n"]
    if begin is None:
        if lines and lines[-1].strip():
            lines[-1] = lines[-1].rstrip("\n") + "\n"
            lines.append("\n")
        lines += new
    else:
        end = next(
            (i for i in range(begin + 1, len(lines)) if lines[i].startswith("## ")), len(lines)
        )
        tail = ["\n"] if end < len(lines) else []
        lines[begin:end] = new + tail
    path.write_text("".join(lines))


# --- main ----------------------------------------------------------------------------------
def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--alerts", type=int, default=10_000)
    p.add_argument("--workers", default="1,2", help="worker counts to run, e.g. 1,2")
    p.add_argument("--spread", type=float, default=60.0, help="seconds the due times span")
    p.add_argument("--lead", type=float, default=5.0, help="seconds from arming to first due")
    p.add_argument("--interval", type=float, default=0.2, help="WORKER_INTERVAL_SECONDS")
    p.add_argument("--concurrency", type=int, default=None, help="WORKER_SEND_CONCURRENCY")
    p.add_argument(
        "--provider-latency-ms",
        type=float,
        default=0.0,
        help="the fake Twilio answers this long after each request (0: at once)",
    )
    p.add_argument(
        "--time-limit",
        type=float,
        default=240.0,
        help="seconds after the last step falls due before a run gives up",
    )
    p.add_argument("--pg-admin-url", default=common.PG_ADMIN_URL)
    p.add_argument(
        "--quiet-below",
        type=float,
        default=0.3,
        help="before each run, wait until other work keeps fewer than this many CPUs busy",
    )
    p.add_argument(
        "--quiet-wait", type=float, default=300.0, help="seconds to wait for that at most"
    )
    p.add_argument("--profile", type=Path, default=None, help="py-spy each worker into DIR")
    p.add_argument(
        "--ref",
        default=None,
        help="measure this commit (extracted to a temporary directory), not the working tree",
    )
    p.add_argument(
        "--overlay",
        nargs="*",
        default=[],
        metavar="PATH",
        help="with --ref: these files from the working tree replace the commit's; SRC:DEST "
        "puts file SRC (relative to the working tree, or absolute) at DEST instead",
    )
    p.add_argument("--no-doc", action="store_true", help="write only bench/results/")
    p.add_argument(
        "--keep-logs", type=Path, default=None, help="copy the worker and fake Twilio logs to DIR"
    )
    args = p.parse_args(argv)
    args.worker_counts = [int(w) for w in args.workers.split(",") if w.strip()]
    if not 1 <= args.alerts <= 50_000 or not all(1 <= w <= 4 for w in args.worker_counts):
        p.error("keep it bounded: --alerts 1 to 50000, 1 to 4 workers")
    if args.overlay and not args.ref:
        p.error("--overlay goes with --ref")
    if not 0 <= args.spread <= 600 or not 0 < args.time_limit <= 1800 or args.interval <= 0:
        p.error("--spread 0 to 600, --time-limit up to 1800, --interval above 0")
    return args


def _raise_on_sigterm(signum: int, frame: Any) -> None:
    raise SystemExit(128 + signum)  # so the finally blocks stop the workers


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, _raise_on_sigterm)
    command = " ".join(["python bench/timer_lag.py", *(sys.argv[1:] if argv is None else argv)])
    runs = []
    pg_version = None
    code = None
    with tempfile.TemporaryDirectory(prefix="encompass-bench-lag-") as tmp:
        args.source = None
        if args.ref:
            args.source = Path(tmp) / "source"
            commit = common.snapshot(args.ref, args.source)
            for item in args.overlay:
                src, _, dest = item.partition(":")
                shutil.copy(common.ROOT / src, args.source / (dest or src))
            sys.path.insert(0, str(args.source))
            code = f"{commit[:7]} (`--ref {args.ref}`"
            code += (
                f", with {', '.join(args.overlay)} from the working tree)" if args.overlay else ")"
            )
        from encompass.alerts.ladder import DEFAULT_LADDER, validate

        args.ladder = validate(copy.deepcopy(DEFAULT_LADDER))
        for workers in args.worker_counts:
            made = common.fresh_postgres(args.pg_admin_url, PG_DATABASE)
            if made is None:
                print("timer-lag: needs PostgreSQL on 127.0.0.1:5432", file=sys.stderr)
                return 2
            url, version = made
            pg_version = f"{version} ({common.postgres_settings(url)})"
            try:
                result = run_once(workers, url, args, Path(tmp))
            except BaseException:
                for log in sorted(Path(tmp).glob("*.log")):
                    tail = log.read_text(errors="replace").splitlines()[-15:]
                    print(f"--- last lines of {log.name}:", *tail, sep="\n", file=sys.stderr)
                raise
            finally:
                common.drop_postgres(args.pg_admin_url, PG_DATABASE)
                if args.keep_logs:
                    args.keep_logs.mkdir(parents=True, exist_ok=True)
                    for log in Path(tmp).glob("*.log"):
                        shutil.copy(log, args.keep_logs / log.name)
            lag = result["lag_s"]
            print(
                f"timer-lag: {workers} worker(s): lag p50 {_s(lag['p50'])}s p99 "
                f"{_s(lag['p99'])}s max {_s(lag['max'])}s; {result['steps_per_s']} steps/s, "
                f"{result['provider_requests_per_s']} provider requests/s; "
                f"CPU {result['cpu_s']}",
                flush=True,
            )
            runs.append(result)
    machine = common.machine_info(pg_version, code)
    results_file = f"timer-lag-{datetime.now(UTC).strftime('%Y%m%dT%H%M%SZ')}.json"
    report = {
        "command": command,
        "machine": machine,
        "config": {
            k: (str(v) if isinstance(v, Path) else v)
            for k, v in vars(args).items()
            if k not in ("pg_admin_url", "no_doc", "worker_counts", "source", "ladder")
        },
        "target_p99_s": TARGET_P99_S,
        "runs": runs,
        "results_file": results_file,
    }
    common.RESULTS.mkdir(exist_ok=True)
    (common.RESULTS / results_file).write_text(json.dumps(report, indent=2) + "\n")
    print(f"timer-lag: raw figures in {common.RESULTS / results_file}")
    if not args.no_doc:
        replace_section(SECTION, section(report))
        print(f"timer-lag: wrote the {SECTION} section of {common.DOC}")
    ok = all(r["complete"] and r["duplicate_requests"] == 0 for r in runs)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
