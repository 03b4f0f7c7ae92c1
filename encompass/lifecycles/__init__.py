"""Every status column's lifecycle: its states, the allowed moves, the final states, and
the one `move` that changes it.

A status changes only here (`tests/test_status_writes.py` fails on any other assignment),
and only by a conditional UPDATE: `... SET status = :to WHERE id = :id AND status IN (the
states that may move to :to)`. A row someone else moved first, or one in a final state,
is left alone, and the caller is told. A final state is never left: a late provider
answer, a repeated callback or a hung send cannot undo it.

- `alert.py`      Alert.status        pending -> sent -> escalated -> acknowledged | withdrawn
- `delivery.py`   Delivery.status     created -> sending -> sent -> delivered | failed | ...
- `review.py`     ReviewItem.status   open -> resolved
- `child.py`      Child.outcome       review -> matched | no_setting
- `import_job.py` ImportJob.status    queued -> running -> finished | failed

A new row starts in its table's default (each lifecycle's `INITIAL`, checked by the
tests), except a child, whose first outcome is the matcher's (`child.arrival`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from enum import StrEnum
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, Connection, Table, Update, literal, update
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.sql.elements import ClauseElement
from sqlmodel import Session

S = TypeVar("S", bound=StrEnum)


class Lifecycle(Generic[S]):
    """One status column: `moves` maps each state to the states it may become; a state
    with no moves is final."""

    def __init__(
        self, table: type[Any], column: str, initial: S, moves: Mapping[S, Iterable[S]]
    ) -> None:
        self.table: Table = table.__table__
        self.column = self.table.c[column]
        self.initial = initial
        self.moves: dict[S, frozenset[S]] = {state: frozenset(to) for state, to in moves.items()}
        self.final: frozenset[S] = frozenset(s for s, to in self.moves.items() if not to)

    def can_move(self, old: str, new: str) -> bool:
        """Whether a row in `old` may become `new`."""
        return new in self.moves.get(old, frozenset())  # type: ignore[call-overload]

    def sources(self, to: S) -> list[str]:
        """The states that may move to `to`, in a fixed order (for the SQL)."""
        return sorted(str(state) for state, moves in self.moves.items() if to in moves)

    def statement(self, to: S, *where: ColumnElement[bool], **values: Any) -> Update:
        """UPDATE the table SET status = `to` (and `values`) WHERE status may move to `to`
        (and `where`)."""
        # The states as bound values of their own, not one expanding list: the statement
        # can then be run for many rows at once (executemany).
        sources = [literal(state) for state in self.sources(to)]
        return (
            update(self.table)
            .where(self.column.in_(sources), *where)
            .values({self.column.name: str(to), **values})
        )

    def move(
        self,
        db: Session | Connection,
        row_id: int,
        to: S,
        *where: ColumnElement[bool],
        **values: Any,
    ) -> bool:
        """Move one row to `to` (setting `values` with it) if it may, and `where` holds;
        whether it moved."""
        return bool(self.move_all(db, to, self.table.c.id == row_id, *where, **values))

    def move_all(
        self, db: Session | Connection, to: S, *where: ColumnElement[bool], **values: Any
    ) -> list[int]:
        """Move every row matching `where` that may move to `to`; the ids that moved."""
        if isinstance(db, Session):
            db.flush()  # the row's other changes first: the UPDATE sees them
        connection = db.connection() if isinstance(db, Session) else db
        moved = [
            int(i)
            for i in connection.execute(
                self.statement(to, *where, **values).returning(self.table.c.id)
            ).scalars()
        ]
        if moved and isinstance(db, Session):
            _loaded_rows_moved(db, self.table, moved, {self.column.name: str(to), **values})
        return moved


def _loaded_rows_moved(
    session: Session, table: Table, ids: Sequence[int], values: Mapping[str, Any]
) -> None:
    """Rows of these ids already loaded in the session show what the UPDATE wrote (a value
    the database computed is read again on its next use)."""
    moved = set(ids)
    for obj in list(session.identity_map.values()):
        if getattr(obj, "__table__", None) is not table or getattr(obj, "id", None) not in moved:
            continue
        for key, value in values.items():
            if isinstance(value, ClauseElement):
                session.expire(obj, [key])
            else:
                set_committed_value(obj, key, value)
