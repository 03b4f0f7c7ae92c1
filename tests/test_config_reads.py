"""Configuration is read once: the policies are built from it (encompass/policies.py, by
create_app, the worker and the commands alike) and everything else takes its policy.

Read from the source with `ast`: `current_app.config` or `app.config` anywhere but the
builders below fails, and so does a second time zone made with `ZoneInfo(...)`.
"""

from __future__ import annotations

import ast
from pathlib import Path

from tests.source_reader import nodes_in_functions

PACKAGE = Path(__file__).resolve().parent.parent / "encompass"

# "path:function" (or a whole file), and why it may read the configuration.
READERS = {
    "encompass/__init__.py": "create_app: loads and checks the configuration, builds the policies",
    "encompass/config/": "reads and checks the configuration",
    "encompass/policies.py": "the builder of every policy",
    "encompass/cli/__init__.py:db_upgrade": "the database the migrations run on",
    "encompass/cli/__init__.py:db_revision": "the database a new migration is compared with",
}
# The one time zone: AlertPolicy.tz (policies().tz), built from ENCOMPASS_TIMEZONE.
ZONES = {"encompass/alerts/policy.py", "encompass/config/environment.py"}


def reads(source: str) -> list[tuple[str, int, str]]:
    """(function, line, what) for every configuration read and every ZoneInfo made."""
    found: list[tuple[str, int, str]] = []
    for function, node in nodes_in_functions(source):
        if (
            isinstance(node, ast.Attribute)
            and node.attr == "config"
            and isinstance(node.value, ast.Name)
            and node.value.id in ("current_app", "app")
        ):
            found.append((function, node.lineno, "config"))
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "ZoneInfo"
        ):
            found.append((function, node.lineno, "zone"))
    return found


def _allowed(path: str, function: str) -> bool:
    return any(
        path == place or path.startswith(place) or f"{path}:{function}" == place
        for place in READERS
        if place.endswith("/") or ":" in place or place == path
    )


def test_the_reader_finds_config_reads_and_zones():
    source = (
        "def f():\n    current_app.config['X']\n"
        "def g(app):\n    return dict(app.config)\n"
        "def h():\n    return ZoneInfo('Europe/London')\n"
        "def i(policy):\n    return policy.config\n"
    )
    assert reads(source) == [("f", 2, "config"), ("g", 4, "config"), ("h", 6, "zone")]


def test_only_the_builders_read_the_configuration_and_there_is_one_time_zone():
    problems = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        relative = path.relative_to(PACKAGE.parent).as_posix()
        for function, line, what in reads(path.read_text(encoding="utf-8")):
            if what == "config" and not _allowed(relative, function):
                problems.append(f"{relative}:{line} reads the configuration (take a policy)")
            if what == "zone" and relative not in ZONES:
                problems.append(f"{relative}:{line} makes a time zone (use policies().tz)")
    assert not problems, "\n".join(problems)
