"""One transaction per unit of work: only the places listed here commit.

A request commits once, after its view (encompass/__init__.py); a worker pass commits
per step (worker.py, and the steps that claim work in batches); a command commits at
its end (cli/); services never commit. The few that must commit part-way are listed
below with the reason. Read from the source with `ast`: a `.commit()` call, a
`.begin()` block (which commits as it closes) or a `session_scope(...)` (a transaction
committed at its end) anywhere else fails.
"""

from __future__ import annotations

import ast
from pathlib import Path

from tests.source_reader import nodes_in_functions

PACKAGE = Path(__file__).resolve().parent.parent / "encompass"

# Where a commit may be, as "path:function" (the innermost function holding it), and why.
COMMITS = {
    "encompass/__init__.py:_commit_the_request": "a request's one commit, after its view",
    "encompass/db/__init__.py:session_scope": "the unit of work itself",
    "encompass/worker.py:_tick": "the worker's steps, each committed on its own",
    "encompass/worker.py:write_heartbeat": "the worker's heartbeat and counters (its own step)",
    "encompass/worker.py:housekeeping": "the worker's housekeeping steps",
    "encompass/delivery/attempts.py:send_due": "claiming work: a batch is committed "
    "claimed before any of it is sent",
    "encompass/delivery/attempts.py:_still_to_send": "cancelling a claimed message whose "
    "alert was acknowledged, right before the send",
    "encompass/delivery/attempts.py:write": "a message's outcome, written as the provider "
    "answers (its status callback may come within moments), and claimed messages handed "
    "back unsent; each retried while the database is away",
    "encompass/escalation/steps.py:fire_due_steps": "claiming work: a batch of ladder steps "
    "claimed and its messages queued, in one transaction per batch",
    "encompass/records/audit.py:seal": "sealing the audit chain",
    "encompass/records/retention.py:run_retention": "a batch job that must survive a stop: "
    "each notice minimised is committed",
    "encompass/records/key_rotation.py:rotate_all": "a batch job that must survive a stop",
    "encompass/onboarding/import_jobs.py:_update": "an import's progress, read by the page "
    "that polls it",
    "encompass/onboarding/import_jobs.py:_move": "an import's state, read by the page",
    "encompass/onboarding/import_jobs.py:run_job": "the import itself, in its own thread",
    "encompass/admin/import_pages.py:_save_and_start": "the import job must be stored before "
    "the thread that runs it reads it",
}
COMMANDS = "encompass/cli/"


def _is_commit(node: ast.AST) -> bool:
    if not isinstance(node, ast.Call):
        return False
    func = node.func
    if isinstance(func, ast.Attribute):
        return func.attr in ("commit", "begin") and not node.args
    return isinstance(func, ast.Name) and func.id == "session_scope"


def commits(source: str) -> list[tuple[str, int]]:
    """Every commit in `source`: the innermost function holding it, and its line."""
    return [
        (function, node.lineno)  # type: ignore[attr-defined]
        for function, node in nodes_in_functions(source)
        if _is_commit(node)
    ]


def _all_commits() -> dict[str, list[int]]:
    places: dict[str, list[int]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        relative = path.relative_to(PACKAGE.parent).as_posix()
        for function, line in commits(path.read_text(encoding="utf-8")):
            places.setdefault(f"{relative}:{function}", []).append(line)
    return places


def test_the_reader_finds_commits_begins_and_scopes_in_their_functions():
    source = (
        "def view():\n    g.db.commit()\n"
        "def step(engine):\n    with engine.begin() as conn:\n        pass\n"
        "def command():\n    with session_scope(engine) as s:\n        pass\n"
        "def reads(session):\n    session.begin_nested\n    tx.commit(retry)\n"
    )
    assert commits(source) == [("view", 2), ("step", 4), ("command", 7)]


def test_only_the_listed_places_commit():
    others = sorted(
        f"{place} (line {', '.join(map(str, lines))})"
        for place, lines in _all_commits().items()
        if place not in COMMITS and not place.startswith(COMMANDS)
    )
    assert not others, (
        "commits outside a request's end, a worker step or a command (services never "
        "commit; a view leaves it to the request):\n" + "\n".join(others)
    )


def test_every_listed_place_still_commits():
    assert set(COMMITS) <= set(_all_commits()), set(COMMITS) - set(_all_commits())
