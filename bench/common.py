"""Shared by the benchmarks: the machine they ran on, gunicorn runs, docs/benchmarks.md."""

from __future__ import annotations

import contextlib
import functools
import io
import os
import platform
import signal
import socket
import sqlite3
import subprocess
import sys
import tarfile
import textwrap
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
RESULTS = BENCH / "results"
DOC = ROOT / "docs" / "benchmarks.md"
HOST = "127.0.0.1"  # load goes to this machine only

DOC_TITLE = "# Benchmarks"
DOC_INTRO = (
    "Measured figures, written by the scripts under `bench/` (see `bench/README.md`).\n"
    "Each script rewrites its own section and the Machine section; the other sections\n"
    "(such as the hand-written findings) are kept as they are."
)
SECTION_ORDER = (
    "Machine",
    "Intake",
    "Intake findings",
    "Matching",
    "Matching against Splink",
    "Matching findings",
    "Timer lag",
)


# --- the machine -------------------------------------------------------------------------
def _cpuinfo() -> tuple[str, int]:
    """The CPU model as /proc/cpuinfo names it (with its clock, and whether virtual); cores."""
    model, physical = "unknown", set()
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return platform.processor() or "unknown", 0
    phys_id = core_id = mhz = ""
    virtual = False
    for line in text.splitlines():
        key, _, value = line.partition(":")
        key, value = key.strip(), value.strip()
        if key == "model name" and model == "unknown":
            model = value
        elif key == "cpu MHz" and not mhz:
            mhz = value
        elif key == "flags":
            virtual = virtual or "hypervisor" in value.split()
        elif key == "physical id":
            phys_id = value
        elif key == "core id":
            core_id = value
            physical.add((phys_id, core_id))
    details = [f"{float(mhz) / 1000:.1f} GHz"] if mhz else []
    details += ["virtual machine"] if virtual else []
    return model + (f" ({', '.join(details)})" if details else ""), len(physical)


def _mem_total_gib() -> float:
    with contextlib.suppress(OSError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 1024 / 1024
    return 0.0


def _git_revision() -> str:
    try:
        rev = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return rev + (" (with uncommitted changes)" if dirty else "")


def snapshot(ref: str, dest: Path) -> str:
    """Extract the committed tree of `ref` into dest (untouched by edits under way); its hash."""
    commit = subprocess.run(
        ["git", "rev-parse", "--verify", f"{ref}^{{commit}}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    archive = subprocess.run(
        ["git", "archive", "--format=tar", commit], cwd=ROOT, capture_output=True, check=True
    ).stdout
    dest.mkdir(parents=True, exist_ok=True)
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(dest, filter="data")
    return commit


def _is_editable_finder(finder: object) -> bool:
    return getattr(finder, "__name__", type(finder).__name__).startswith("_Editable")


def use_source(source: Path) -> None:
    """Import encompass and config from `source` only, not from the editable install.

    The editable install's finder would otherwise fill in any module the snapshot lacks
    from the working tree, and measure a mixture of the two.
    """
    sys.path.insert(0, str(source))
    sys.meta_path[:] = [f for f in sys.meta_path if not _is_editable_finder(f)]


# gunicorn's entry point, after dropping the editable install's finder (see use_source).
_GUNICORN_FROM_SOURCE = (
    "import sys; "
    "sys.meta_path[:] = [f for f in sys.meta_path "
    "if not getattr(f, '__name__', type(f).__name__).startswith('_Editable')]; "
    "sys.argv[0] = 'gunicorn'; "
    "from gunicorn.app.wsgiapp import run; run()"
)


def machine_info(postgres_version: str | None, code: str | None = None) -> dict[str, Any]:
    """The machine, the versions that matter, and the code measured (default: the worktree)."""
    from importlib.metadata import version

    model, physical = _cpuinfo()
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu_model": model,
        "logical_cpus": os.cpu_count() or 0,
        "physical_cores": physical,
        "ram_gib": round(_mem_total_gib(), 1),
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "postgresql": postgres_version or "not available",
        "gunicorn": version("gunicorn"),
        "flask": version("flask"),
        "sqlalchemy": version("sqlalchemy"),
        "git_revision": code or _git_revision(),
    }


def machine_section(info: dict[str, Any]) -> str:
    cores = f"{info['logical_cpus']} logical"
    if info["physical_cores"]:
        cores += f" ({info['physical_cores']} physical)"
    rows = [
        ("Date", info["date"]),
        ("CPU", info["cpu_model"]),
        ("Cores", cores),
        ("RAM", f"{info['ram_gib']} GiB"),
        ("OS", info["os"]),
        ("Python", info["python"]),
        ("SQLite", info["sqlite"]),
        ("PostgreSQL", info["postgresql"]),
        (
            "gunicorn / Flask / SQLAlchemy",
            f"{info['gunicorn']} / {info['flask']} / {info['sqlalchemy']}",
        ),
        ("Code", f"git {info['git_revision']}"),
    ]
    lines = [
        para(
            "The machine of the latest run. The load generator runs on the same machine as "
            "the servers and the databases, and competes with them for the CPUs."
        ),
        "",
        "| | |",
        "|---|---|",
    ]
    lines += [f"| {name} | {value} |" for name, value in rows]
    return "\n".join(lines)


# --- docs/benchmarks.md --------------------------------------------------------------------
def _split_sections(text: str) -> dict[str, str]:
    sections: dict[str, str] = {}
    current: str | None = None
    body: list[str] = []
    for line in text.splitlines():
        if line.startswith("## "):
            if current is not None:
                sections[current] = "\n".join(body).strip()
            current, body = line[3:].strip(), []
        elif current is not None:
            body.append(line)
    if current is not None:
        sections[current] = "\n".join(body).strip()
    return sections


def update_doc(replace: dict[str, str], path: Path = DOC) -> None:
    """Rewrite the named `## ` sections of docs/benchmarks.md, keeping every other one."""
    sections = _split_sections(path.read_text()) if path.exists() else {}
    sections.update(replace)
    names = [n for n in SECTION_ORDER if n in sections]
    names += [n for n in sections if n not in SECTION_ORDER]
    parts = [DOC_TITLE, DOC_INTRO] + [f"## {name}\n\n{sections[name]}" for name in names]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n\n".join(parts) + "\n")


def para(text: str) -> str:
    """A paragraph of the report, wrapped like the rest of the docs."""
    return textwrap.fill(text, width=88, break_long_words=False, break_on_hyphens=False)


# --- figures -------------------------------------------------------------------------------
def percentile(sorted_values: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile of an already sorted sequence."""
    if not sorted_values:
        return float("nan")
    rank = max(1, min(len(sorted_values), round(pct / 100 * len(sorted_values) + 0.5)))
    return sorted_values[rank - 1]


# --- PostgreSQL ----------------------------------------------------------------------------
PG_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def fresh_postgres(admin_url: str, name: str) -> tuple[str, str] | None:
    """Drop and make database `name`; (its URL, server version), or None if none answers."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    admin = create_engine(
        admin_url, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3}
    )
    try:
        with admin.connect() as conn:
            version = str(conn.execute(text("SHOW server_version")).scalar()).split()[0]
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # noqa: BLE001 - any failure means: no PostgreSQL here
        print(f"bench: PostgreSQL not available ({type(exc).__name__}: {exc})", flush=True)
        return None
    finally:
        admin.dispose()
    url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    return url, version


def postgres_settings(url: str) -> str:
    """The server settings that decide what a commit costs, as one line for the report."""
    from sqlalchemy import create_engine, text

    names = ("fsync", "synchronous_commit", "shared_buffers", "max_connections")
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            values = [f"{n} {conn.execute(text(f'SHOW {n}')).scalar()}" for n in names]
    finally:
        engine.dispose()
    return ", ".join(values)


def drop_postgres(admin_url: str, name: str) -> None:
    from sqlalchemy import create_engine, text

    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


def postgres_backend_pids(url: str) -> list[int]:
    """The server processes serving connections to this URL's database (for their CPU time)."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                text(
                    "SELECT pid FROM pg_stat_activity "
                    "WHERE datname = :db AND pid <> pg_backend_pid()"
                ),
                {"db": make_url(url).database},
            )
            return [int(pid) for (pid,) in rows]
    finally:
        engine.dispose()


# --- processes -----------------------------------------------------------------------------
def _stat_fields(pid: int) -> list[str] | None:
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name is in parentheses and may hold spaces: split after the last one.
    return raw[raw.rindex(")") + 2 :].split()


def child_pids(parent: int) -> list[int]:
    children = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            fields = _stat_fields(int(entry.name))
            if fields and int(fields[1]) == parent:
                children.append(int(entry.name))
    return children


def process_cpu_seconds(pids: Sequence[int]) -> float:
    """User plus system CPU time of these processes (those still running), in seconds."""
    ticks = 0
    for pid in pids:
        fields = _stat_fields(pid)
        if fields:
            ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


def machine_busy_seconds() -> float:
    """CPU time the whole machine has spent not idle since boot, over all CPUs."""
    with contextlib.suppress(OSError, ValueError, IndexError):
        values = [int(v) for v in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
        idle = values[3] + values[4]  # idle, iowait
        return (sum(values[:8]) - idle) / os.sysconf("SC_CLK_TCK")
    return float("nan")


def wait_for_quiet(below: float, max_wait: float, sample: float = 3.0) -> float:
    """Wait until other work keeps less than `below` of the CPUs busy, or max_wait passes.

    Returns the last share measured (0 to 1). Only this process is left out of it, so call
    it when nothing else of the benchmark's is running.
    """
    deadline = time.monotonic() + max_wait
    cpus = os.cpu_count() or 1
    while True:
        busy, own = machine_busy_seconds(), time.process_time()
        time.sleep(sample)
        share = (machine_busy_seconds() - busy - (time.process_time() - own)) / sample / cpus
        if share < below or time.monotonic() >= deadline:
            return max(share, 0.0)


# --- gunicorn ------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


@functools.cache
def _no_control_socket() -> list[str]:
    """gunicorn 25+ opens ~/.gunicorn/gunicorn.ctl, shared by every gunicorn of the user."""
    help_text = subprocess.run(
        [sys.executable, "-m", "gunicorn", "--help"], capture_output=True, text=True, check=False
    ).stdout
    return ["--no-control-socket"] if "--no-control-socket" in help_text else []


def _stop(proc: subprocess.Popen[bytes]) -> None:
    """Stop gunicorn and its workers: it runs in its own process group, which we made."""
    if proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=5)


@dataclass(frozen=True)
class Server:
    url: str
    pid: int

    def cpu_seconds(self) -> float:
        """CPU time used so far by gunicorn and its workers."""
        return process_cpu_seconds([self.pid, *child_pids(self.pid)])


@contextlib.contextmanager
def gunicorn(
    app: str,
    *,
    env: dict[str, str],
    cwd: Path,
    log: Path,
    workers: int = 2,
    extra_args: Sequence[str] = (),
    ready_path: str = "/healthz",
    ready_timeout: float = 60.0,
    source: Path | None = None,
) -> Iterator[Server]:
    """Run `gunicorn -w N app` on 127.0.0.1 until the block ends.

    With `source`, the app's packages come from that directory only (see use_source).
    """
    port = free_port()
    launcher = ["-c", _GUNICORN_FROM_SOURCE] if source else ["-m", "gunicorn"]
    if source:
        env = {**env, "PYTHONPATH": str(source)}
    cmd = [
        sys.executable,
        *launcher,
        "--workers",
        str(workers),
        "--bind",
        f"{HOST}:{port}",
        "--error-logfile",
        str(log),
        *_no_control_socket(),
        *extra_args,
        app,
    ]
    with log.open("ab") as out:
        proc = subprocess.Popen(
            cmd, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    server = Server(f"http://{HOST}:{port}", proc.pid)
    try:
        _wait_ready(proc, server.url + ready_path, ready_timeout, log)
        yield server
    finally:
        _stop(proc)


def _wait_ready(proc: subprocess.Popen[bytes], url: str, timeout: float, log: Path) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {proc.returncode}; see {log}")
        with contextlib.suppress(requests.RequestException):
            if requests.get(url, timeout=2).status_code == 200:
                return
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer {url} within {timeout:.0f}s; see {log}")
