"""File uploads on pages: the one place a route may take more than MAX_CONTENT_LENGTH."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])
LIMIT_ATTR = "_encompass_max_upload"


def accepts_upload(max_bytes: int) -> Callable[[F], F]:
    """Let this route's requests be up to `max_bytes` (the API stays at 64 KiB).

    Applied before CSRFProtect reads the form, by the request hook in encompass/__init__.py.
    """

    def decorator(func: F) -> F:
        setattr(func, LIMIT_ATTR, max_bytes)
        return func

    return decorator


def upload_limit(view: Callable[..., Any] | None) -> int | None:
    return getattr(view, LIMIT_ATTR, None)
