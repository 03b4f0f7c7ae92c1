"""The typed policies the service runs by: built once from configuration, by create_app.

Views, commands and the worker's pass take them from here (`policies()`), and a lower
room takes its own with `encompass.config.installed(ItsPolicy)`, never from the
configuration mapping: a setting is read, checked and turned into its type once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import Flask, current_app

from encompass import config
from encompass.alerts.policy import AlertPolicy
from encompass.auth import policy as sign_in
from encompass.auth.policy import AccessPolicy, SignInPolicy
from encompass.delivery.attempts import DeliveryPolicy
from encompass.delivery.transports import TransportSettings
from encompass.onboarding.invitations import InvitationPolicy
from encompass.operations.policy import OperationsPolicy
from encompass.reports.repeats import RepeatPolicy
from encompass.review.policy import ReviewPolicy
from encompass.review.rematch import RematchPolicy

_KEY = "encompass_policies"


@dataclass(frozen=True)
class Policies:
    alerts: AlertPolicy
    review: ReviewPolicy
    delivery: DeliveryPolicy
    transports: TransportSettings
    invitations: InvitationPolicy
    sign_in: SignInPolicy
    access: AccessPolicy
    operations: OperationsPolicy
    school_day_start: str
    repeats: RepeatPolicy
    retention_days: int
    api_key_overlap: timedelta
    # Imports started from the pages run in the request (tests without a server).
    import_jobs_inline: bool

    @classmethod
    def from_config(cls, cfg: Any) -> Policies:
        return cls(
            alerts=AlertPolicy.from_config(cfg),
            review=ReviewPolicy.from_config(cfg),
            delivery=DeliveryPolicy.from_config(cfg),
            transports=TransportSettings.from_config(cfg),
            invitations=InvitationPolicy.from_config(cfg),
            sign_in=SignInPolicy.from_config(cfg),
            access=AccessPolicy.from_config(cfg),
            operations=OperationsPolicy.from_config(cfg),
            school_day_start=str(cfg["SCHOOL_DAY_START"]),
            repeats=RepeatPolicy.from_config(cfg),
            retention_days=int(cfg["NOTICE_RETENTION_DAYS"]),
            api_key_overlap=timedelta(hours=float(cfg["API_KEY_OVERLAP_HOURS"])),
            import_jobs_inline=bool(cfg["IMPORT_JOBS_INLINE"]),
        )

    @property
    def rematch(self) -> RematchPolicy:
        """What re-resolving the open review items after a roll import needs."""
        return RematchPolicy(self.alerts, self.school_day_start)

    @property
    def tz(self) -> ZoneInfo:
        """The service's one time zone (ENCOMPASS_TIMEZONE)."""
        return self.alerts.tz


def install(app: Flask) -> None:
    """Build the app's policies from its configuration (create_app; again only if a test
    changes the configuration of a running app)."""
    built = Policies.from_config(app.config)
    app.extensions[_KEY] = built
    sign_in.install(app, built.sign_in)  # sign-in (a lower room) reads its own from there
    config.install(
        app,
        built.alerts,
        built.review,
        built.delivery,
        built.invitations,
        built.access,
        built.operations,
        built.tz,  # the one time zone object, for rooms below this one
    )


def policies(app: Flask | None = None) -> Policies:
    """The policies of this app (default: the current one)."""
    found: Policies = (app or current_app).extensions[_KEY]
    return found
