"""A child's outcome, as the police see it: where the alert about the child went.

    (arrival) -> matched | review | no_setting
    review -> matched | no_setting          (the council decided, or a later roll import
                                             placed the child)

`matched` and `no_setting` are final (a correction that moves a child elsewhere makes a
new child row; the old one is history). `Child.intake_outcome` keeps the arrival for the
reports and is written once, with the row.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TypedDict

from encompass.lifecycles import Lifecycle
from encompass.models import Child


class ChildOutcome(StrEnum):
    MATCHED = "matched"
    REVIEW = "review"
    NO_SETTING = "no_setting"


CHILD = Lifecycle(
    Child,
    "outcome",
    ChildOutcome.REVIEW,
    {
        ChildOutcome.REVIEW: (ChildOutcome.MATCHED, ChildOutcome.NO_SETTING),
        ChildOutcome.MATCHED: (),
        ChildOutcome.NO_SETTING: (),
    },
)
OUTCOMES = tuple(ChildOutcome)


class Arrival(TypedDict):
    outcome: str
    intake_outcome: str


def arrival(outcome: ChildOutcome) -> Arrival:
    """The outcome fields of a new child row: its first outcome, kept as its arrival too."""
    return Arrival(outcome=str(outcome), intake_outcome=str(outcome))


def placed(to_team: bool) -> ChildOutcome:
    """The outcome of a child sent to a setting: a fallback team is `no_setting`."""
    return ChildOutcome.NO_SETTING if to_team else ChildOutcome.MATCHED
