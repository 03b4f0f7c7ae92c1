"""The database session a command works in: committed when the command succeeds."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import current_app
from sqlmodel import Session

from encompass.db import session_scope


@contextmanager
def app_session() -> Iterator[Session]:
    with session_scope(current_app.extensions["encompass_engine"]) as session:
        yield session
