"""Error types say what went wrong and whether to retry: every exception class the service
defines is an EncompassError, in its room's small hierarchy, and none shadows a builtin."""

from __future__ import annotations

import builtins
import importlib
import inspect
import pkgutil

import pytest

import encompass
from encompass.errors import EncompassError, Refused, Unavailable


def _defined_errors() -> list[type[BaseException]]:
    found = []
    for module_info in pkgutil.walk_packages(encompass.__path__, "encompass."):
        if ".migrations" in module_info.name:
            continue
        module = importlib.import_module(module_info.name)
        for _, value in inspect.getmembers(module, inspect.isclass):
            if (
                issubclass(value, BaseException)
                and value.__module__ == module.__name__
                and not value.__name__.startswith("_")
            ):
                found.append(value)
    return found


ERRORS = _defined_errors()


def _room(cls: type) -> str:
    parts = cls.__module__.split(".")
    return parts[1] if len(parts) > 2 else parts[-1]


def test_there_are_errors_to_check() -> None:
    assert len(ERRORS) >= 15


@pytest.mark.parametrize("error", ERRORS, ids=lambda e: f"{e.__module__}.{e.__name__}")
def test_every_error_is_an_encompass_error_and_says_whether_to_retry(error) -> None:
    assert issubclass(error, EncompassError), f"{error.__name__} is not an EncompassError"
    assert error.__name__ not in dir(builtins), f"{error.__name__} shadows a builtin"
    assert isinstance(error.retry, bool)


@pytest.mark.parametrize(
    "error",
    [
        e
        for e in ERRORS
        if e.__module__.count(".") > 1
        and e.__bases__[0] not in (Refused, Unavailable, EncompassError)
    ],
    ids=lambda e: f"{e.__module__}.{e.__name__}",
)
def test_a_rooms_errors_share_its_base(error) -> None:
    """AckError and LinkError are AlertErrors; KeyAdultError an OnboardingError: a caller
    catches a room's errors together."""
    base = error.__bases__[0]
    assert _room(base) == _room(error), f"{error.__name__} derives from another room's error"


def test_refused_is_still_a_value_error_and_not_retried() -> None:
    from encompass.alerts.ack import AckError
    from encompass.files.csvfile import ImportFileError

    assert issubclass(AckError, ValueError) and not AckError("x").retry
    assert issubclass(ImportFileError, Refused)


def test_a_transport_error_says_whether_to_retry() -> None:
    from encompass.delivery.transports import TransportError

    assert TransportError("503", permanent=False).retry
    assert not TransportError("21211", permanent=True).retry
