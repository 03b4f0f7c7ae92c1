"""Configuration: the config/ profiles and the environment, read once at start-up.

The typed policies built from it (encompass/policies.py, by create_app, the worker and
the commands alike) are kept on the app, each under its own type: any room reads the one
it needs with `installed(ItsPolicy)`, never the configuration mapping.
"""

from __future__ import annotations

from typing import TypeVar

from flask import Flask, current_app

T = TypeVar("T")


def _key(kind: type) -> str:
    return f"encompass_policy:{kind.__module__}.{kind.__qualname__}"


def install(app: Flask, *policies: object) -> None:
    """Keep these policies on the app, each under its type."""
    for policy in policies:
        app.extensions[_key(type(policy))] = policy


def installed(kind: type[T], app: Flask | None = None) -> T:
    """The policy of this type the app (default: the current one) was built with."""
    found = (app or current_app).extensions[_key(kind)]
    assert isinstance(found, kind)
    return found
