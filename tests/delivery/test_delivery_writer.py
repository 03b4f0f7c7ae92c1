"""delivery/outbox.py is the one writer of Delivery rows: no other module makes one.

Read from the source with `ast`: a `Delivery(...)` call, `insert(Delivery)`, or
`Delivery.__table__` (how a bulk INSERT reaches the table) anywhere else fails.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "encompass"
WRITER = PACKAGE / "delivery" / "outbox.py"


def _names_delivery(node: ast.AST) -> bool:
    return isinstance(node, ast.Name) and node.id == "Delivery"


def _writes(tree: ast.AST) -> list[int]:
    lines = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and _names_delivery(node.func)
            or (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "insert"
                and any(_names_delivery(arg) for arg in node.args)
            )
            or (
                isinstance(node, ast.Attribute)
                and node.attr == "__table__"
                and _names_delivery(node.value)
            )
        ):
            lines.append(node.lineno)
    return lines


def test_the_reader_finds_the_outboxs_own_writes():
    assert _writes(ast.parse(WRITER.read_text(encoding="utf-8")))


def test_only_the_outbox_writes_delivery_rows():
    others = {
        f"{path.relative_to(PACKAGE.parent)}:{line}"
        for path in PACKAGE.rglob("*.py")
        if path != WRITER and "migrations" not in path.parts
        for line in _writes(ast.parse(path.read_text(encoding="utf-8")))
    }
    assert not others, "Delivery rows written outside delivery/outbox.py: " + ", ".join(
        sorted(others)
    )
