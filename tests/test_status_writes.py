"""A status column is written only by its lifecycle (encompass/lifecycles/).

Read from the source with `ast`, not by importing. Outside encompass/lifecycles/ none of
these may name a status column (`status`, `outcome`, `intake_outcome`):
- an assignment to an attribute (`alert.status = ...`, `setattr(row, "status", ...)`);
- a keyword or dict key of `.values(...)` (an UPDATE or INSERT);
- a keyword of a lifecycle table's constructor (`Alert(status=...)`): a new row starts
  in its table's default, the lifecycle's initial state (a child in `child.arrival`).
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "encompass"
LIFECYCLES = PACKAGE / "lifecycles"
COLUMNS = frozenset({"status", "outcome", "intake_outcome"})
TABLES = frozenset({"Alert", "Delivery", "ReviewItem", "Child", "ImportJob"})


def _names_column(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and node.value in COLUMNS


def _call_name(func: ast.AST) -> str:
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else ""


def writes(source: str) -> list[int]:
    """The lines of `source` that write a status column."""
    found = []
    for node in ast.walk(ast.parse(source)):
        targets: list[ast.AST] = []
        if isinstance(node, ast.Assign):
            targets = list(node.targets)
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
            targets = [node.target]
        while targets:
            target = targets.pop()
            if isinstance(target, (ast.Tuple, ast.List)):
                targets.extend(target.elts)
            elif isinstance(target, ast.Starred):
                targets.append(target.value)
            elif isinstance(target, ast.Attribute) and target.attr in COLUMNS:
                found.append(node.lineno)
        if not isinstance(node, ast.Call):
            continue
        name = _call_name(node.func)
        keywords = {k.arg for k in node.keywords if k.arg}
        sets_attribute = name == "setattr" and len(node.args) > 1 and _names_column(node.args[1])
        in_values = name == "values" and bool(
            keywords & COLUMNS
            or any(
                isinstance(arg, ast.Dict) and any(_names_column(k) for k in arg.keys if k)
                for arg in node.args
            )
        )
        in_constructor = name in TABLES and bool(keywords & COLUMNS)
        if sets_attribute or in_values or in_constructor:
            found.append(node.lineno)
    return found


def test_the_reader_finds_every_kind_of_status_write():
    examples = [
        "alert.status = 'acknowledged'",
        "child.outcome: str = 'matched'",
        "rows[0].status += ''",
        "item.decision, child.outcome = 'pupil', 'matched'",
        "setattr(job, 'status', 'failed')",
        "update(Alert).where(Alert.id == 1).values(status='sent')",
        "session.execute(update(ReviewItem).values({'status': 'resolved'}))",
        "insert(t).values(outcome='review')",
        "Delivery(channel='sms', status='sent')",
        "Child(notice_id=1, intake_outcome='matched')",
    ]
    for example in examples:
        assert writes(example) == [1], example
    # Reading a status, or a status that is not a column of ours, is no write.
    for example in [
        "if alert.status == 'sent': pass",
        "select(Alert).where(col(Alert.status) == 'pending')",
        "SendResult(provider_id='x', status='sent')",
        "render_template('x.html', status=status)",
        "x = {'status': 'ok'}",
        "counts[child.outcome] += 1",
    ]:
        assert writes(example) == [], example


def test_no_status_is_written_outside_its_lifecycle():
    others = sorted(
        f"{path.relative_to(PACKAGE.parent)}:{line}"
        for path in PACKAGE.rglob("*.py")
        if LIFECYCLES not in path.parents and "migrations" not in path.parts
        for line in writes(path.read_text(encoding="utf-8"))
    )
    assert not others, (
        "status written outside encompass/lifecycles/ (use its lifecycle's move):\n"
        + "\n".join(others)
    )
