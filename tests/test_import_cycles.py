"""The imports between encompass's modules form no cycle, and run one way between rooms.

Read from the source with `ast`, not by importing. An import inside a function counts
like one at the top: moving an import into a function hides a cycle from Python's import
machinery, not from a reader, and it still runs. Imports under `if TYPE_CHECKING:` count
too: a type named from a room above is a dependency on it, whether or not it runs. A
module's parent packages are not
counted as imported (every module would then depend on `encompass/__init__.py`, the app
factory).
"""

from __future__ import annotations

import ast
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "encompass"

# The rooms, lowest first: a room may import its own modules and any room on a lower line,
# never one on a higher line. Rooms on one line do not import each other either way.
# notices -> matching, calendar -> alerts -> delivery; the worker's clock drives
# escalation and delivery; pages and commands sit on top.
# A dotted entry is a module that sits lower than the rest of its folder. Every module that
# serves requests (makes a Blueprint or routes a view: PAGES, read from the code, whatever
# the file is called) sits on top, in "(pages)".
LAYERS = [
    ["errors"],
    ["encryption", "files", "language"],
    ["config", "db"],
    ["models"],
    ["lifecycles"],
    ["records"],
    ["auth"],
    ["calendar", "matching", "reports"],
    ["delivery"],
    ["alerts"],
    ["review", "escalation", "operations"],
    ["onboarding", "notices"],
    ["web", "policies"],
    ["worker", "dsl", "police", "admin"],
    ["(pages)"],
    ["(app)"],
    ["cli"],
]


def _modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        if "migrations" in parts:
            continue
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


MODULES = _modules()


def _known(name: str) -> str | None:
    """The module a dotted name lives in: itself, or the nearest package that holds it."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def _imports(module: str, path: Path) -> set[str]:
    return _imports_in(module, path.name == "__init__.py", path.read_text(encoding="utf-8"))


def _imports_in(module: str, is_package: bool, source: str) -> set[str]:
    package = module if is_package else module.rpartition(".")[0]
    found: set[str | None] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(_known(alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parent, *([base] if base else [])])
            # `from encompass.records import audit` imports the module encompass.records.audit.
            found.update(
                f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else _known(base)
                for alias in node.names
            )
    return {name for name in found if name and name != module}


GRAPH = {module: _imports(module, path) for module, path in MODULES.items()}
ROUTE_DECORATORS = {"route", "get", "post", "put", "patch", "delete"}


def _serves_requests(path: Path) -> bool:
    """A page (or API) module: it makes a Blueprint or decorates a view with one's route.
    Decided by what the module does, not by its file name."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "Blueprint":
            return True
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            for decorator in node.decorator_list:
                call = decorator.func if isinstance(decorator, ast.Call) else decorator
                if isinstance(call, ast.Attribute) and call.attr in ROUTE_DECORATORS:
                    return True
    return False


PAGES = {
    module for module, path in MODULES.items() if module.count(".") > 1 and _serves_requests(path)
}


def _cycles(graph: dict[str, set[str]]) -> list[tuple[str, ...]]:
    """Every cycle graphlib finds, breaking each found one until none is left."""
    graph = {node: set(deps) for node, deps in graph.items()}
    cycles = []
    while True:
        try:
            TopologicalSorter(graph).prepare()
            return cycles
        except CycleError as exc:
            cycle = tuple(exc.args[1])  # [a, b, ..., a]: each depends on the next
            cycles.append(cycle)
            graph[cycle[0]].discard(cycle[1])


DOTTED_ROOMS = [room for layer in LAYERS for room in layer if "." in room]


def _room(module: str) -> str:
    """The room a module lives in: a layer entry naming it, else its folder under encompass/."""
    rest = module.removeprefix("encompass").lstrip(".")
    if not rest:
        return "(app)"
    if module in PAGES:
        return "(pages)"
    for room in DOTTED_ROOMS:
        if rest == room or rest.startswith(room + "."):
            return room
    return rest.split(".")[0]


def _level(room: str) -> int:
    return next(i for i, layer in enumerate(LAYERS) if room in layer)


def test_the_import_reader_sees_imports_at_the_top_and_inside_functions():
    assert "encompass.records.audit" in GRAPH["encompass.cli.security"]
    assert "encompass.db" in GRAPH["encompass.records.audit"]
    assert "encompass.worker" in GRAPH["encompass.cli"]  # imported inside the command


def test_the_import_reader_counts_imports_for_type_checking_too():
    source = (
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from encompass.alerts.council import CouncilStep\n"
    )
    assert "encompass.alerts.council" in _imports_in("encompass.alerts.create", False, source)
    # create.py names the council's gatherer by a Protocol: no cycle with council.py.
    assert "encompass.alerts.council" not in GRAPH["encompass.alerts.create"]


def test_pages_are_found_by_their_routes_not_their_names():
    assert "encompass.notices.api" in PAGES  # a Blueprint and its routes
    assert "encompass.admin.blueprint" in PAGES  # the Blueprint the admin pages share
    assert "encompass.delivery.callbacks" in PAGES  # Twilio's callbacks are routes too
    assert "encompass.admin.queries" not in PAGES


def test_no_module_imports_itself_round_a_cycle():
    cycles = _cycles(GRAPH)
    assert not cycles, "import cycles:\n" + "\n".join(" -> ".join(c) for c in cycles)


def test_every_room_has_its_place_in_the_layers():
    rooms = {_room(module) for module in MODULES}
    assert rooms <= {room for layer in LAYERS for room in layer}, rooms


def test_no_room_imports_one_above_it():
    upward = sorted(
        f"{module} -> {imported}"
        for module, imports in GRAPH.items()
        for imported in imports
        if _room(imported) != _room(module) and _level(_room(imported)) >= _level(_room(module))
    )
    assert not upward, "imports up (or sideways) across rooms:\n" + "\n".join(upward)
