"""The typed policies the service runs by: built once from configuration, by create_app.

Views, commands and the worker's pass take them from here (`policies()`), never from
the configuration mapping: a setting is read, checked and turned into its type once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app

from encompass.alerts.policy import AlertPolicy
from encompass.auth import policy as sign_in
from encompass.auth.policy import SignInPolicy
from encompass.delivery.attempts import DeliveryPolicy
from encompass.onboarding.invitations import InvitationPolicy
from encompass.reports.repeats import RepeatPolicy
from encompass.review.policy import ReviewPolicy

_KEY = "encompass_policies"


@dataclass(frozen=True)
class Policies:
    alerts: AlertPolicy
    review: ReviewPolicy
    delivery: DeliveryPolicy
    invitations: InvitationPolicy
    sign_in: SignInPolicy
    school_day_start: str
    repeats: RepeatPolicy

    @classmethod
    def from_config(cls, cfg: Any) -> Policies:
        return cls(
            alerts=AlertPolicy.from_config(cfg),
            review=ReviewPolicy.from_config(cfg),
            delivery=DeliveryPolicy.from_config(cfg),
            invitations=InvitationPolicy.from_config(cfg),
            sign_in=SignInPolicy.from_config(cfg),
            school_day_start=str(cfg["SCHOOL_DAY_START"]),
            repeats=RepeatPolicy.from_config(cfg),
        )


def install(app: Flask) -> None:
    """Build the app's policies from its configuration (create_app; again only if a test
    changes the configuration of a running app)."""
    built = Policies.from_config(app.config)
    app.extensions[_KEY] = built
    sign_in.install(app, built.sign_in)  # sign-in (a lower room) reads its own from there


def policies(app: Flask | None = None) -> Policies:
    """The policies of this app (default: the current one)."""
    found: Policies = (app or current_app).extensions[_KEY]
    return found
