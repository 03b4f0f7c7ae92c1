"""The figures behind GET /metrics, read from the database at each scrape.

Several gunicorn processes answer /metrics and one or more workers do the work, so
nothing is counted in a process's memory: the gauges are queries run when Prometheus
asks, and the counters (worker passes and their duration, the providers' answers, the
work done) are rows every worker adds to (operations/heartbeat.py). Any process answers
with the same totals, and they survive a restart. Counts only: no reference, no name,
no phone number or address, ever.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
    Metric,
)
from prometheus_client.registry import Collector, CollectorRegistry
from sqlalchemy import func
from sqlmodel import Session, col, select

from encompass.lifecycles.delivery import CREATED, SENDING
from encompass.lifecycles.review import ReviewStatus
from encompass.models import Alert, Delivery, Notice, ReviewItem
from encompass.operations import heartbeat

# A ladder step this late is not "about to fire": the worker is not firing it.
STEP_GRACE = timedelta(seconds=60)


def _age(now: datetime, oldest: datetime | None) -> float:
    return max((now - oldest).total_seconds(), 0.0) if oldest is not None else 0.0


class ServiceCollector(Collector):
    """Every metric, collected from one session as of `now`."""

    def __init__(self, session: Session, now: datetime, stale_after: timedelta) -> None:
        self.session = session
        self.now = now
        self.stale_after = stale_after

    def collect(self) -> Iterator[Metric]:
        yield from self._messages()
        yield from self._alerts()
        yield from self._reviews()
        yield from self._worker()
        notices = self.session.exec(select(func.count()).select_from(Notice)).one()
        yield CounterMetricFamily(
            "encompass_notices_received", "Notices received from the police.", value=notices
        )

    def _messages(self) -> Iterator[Metric]:
        now = self.now
        due = self.session.exec(
            select(col(Delivery.channel), func.count(), func.min(col(Delivery.due_at)))
            .where(col(Delivery.status) == CREATED, col(Delivery.due_at) <= now)
            .group_by(col(Delivery.channel))
        ).all()
        by_channel = GaugeMetricFamily(
            "encompass_messages_due",
            "Messages due to be sent now and not yet claimed by a worker.",
            labels=["channel"],
        )
        for channel in ("sms", "voice", "email"):
            by_channel.add_metric([channel], 0)
        for channel, count, _oldest in due:
            by_channel.add_metric([channel], count)
        yield by_channel
        oldest = min((row[2] for row in due), default=None)
        yield GaugeMetricFamily(
            "encompass_oldest_due_message_age_seconds",
            "How long the oldest message due has waited to be sent (0 when none is due).",
            value=_age(now, oldest),
        )
        sending = self.session.exec(
            select(func.count(), func.min(col(Delivery.claimed_at))).where(
                col(Delivery.status) == SENDING
            )
        ).one()
        yield GaugeMetricFamily(
            "encompass_messages_sending",
            "Messages handed to a worker whose provider's answer is not yet written.",
            value=sending[0],
        )
        yield GaugeMetricFamily(
            "encompass_oldest_sending_message_age_seconds",
            "How long the oldest message in sending has been there (0 when none).",
            value=_age(now, sending[1]),
        )

    def _alerts(self) -> Iterator[Metric]:
        open_alert = (
            col(Alert.acknowledged_at).is_(None),
            col(Alert.withdrawn_at).is_(None),
            col(Alert.council_handling_at).is_(None),
        )
        overdue = self.session.exec(
            select(func.count()).where(
                *open_alert, col(Alert.due_by) < self.now, col(Alert.escalated_at).is_(None)
            )
        ).one()
        yield GaugeMetricFamily(
            "encompass_alerts_overdue_unescalated",
            "Alerts past due_by, not acknowledged and not escalated to the council.",
            value=overdue,
        )
        late = self.session.exec(
            select(func.count(), func.min(col(Alert.next_step_at))).where(
                *open_alert, col(Alert.next_step_at) <= self.now - STEP_GRACE
            )
        ).one()
        yield GaugeMetricFamily(
            "encompass_alert_steps_late",
            "Unacknowledged alerts whose next ladder step is over a minute past due.",
            value=late[0],
        )
        yield GaugeMetricFamily(
            "encompass_oldest_late_step_age_seconds",
            "How long past due the most overdue ladder step is (0 when none is late).",
            value=_age(self.now, late[1]),
        )

    def _reviews(self) -> Iterator[Metric]:
        counts = self.session.exec(
            select(
                func.count(),
                func.count().filter(col(ReviewItem.due_by) < self.now),
            ).where(col(ReviewItem.status) == ReviewStatus.OPEN)
        ).one()
        yield GaugeMetricFamily(
            "encompass_review_items_open", "Children waiting in the review queue.", value=counts[0]
        )
        yield GaugeMetricFamily(
            "encompass_review_items_past_deadline",
            "Review items still open after their child's deadline (due_by).",
            value=counts[1],
        )

    def _worker(self) -> Iterator[Metric]:
        health = heartbeat.worker_health(self.session, self.now, self.stale_after)
        yield GaugeMetricFamily(
            "encompass_worker_healthy",
            "1 when a worker pass completed within WORKER_STALE_SECONDS, else 0.",
            value=0 if health.stale else 1,
        )
        if health.last_pass_at is not None:
            yield GaugeMetricFamily(
                "encompass_worker_last_pass_timestamp_seconds",
                "When the last worker pass completed (Unix time).",
                value=health.last_pass_at.timestamp(),
            )
        values = heartbeat.counters(self.session)
        passes = values.get((heartbeat.PASSES, ""), 0.0)
        yield CounterMetricFamily(
            "encompass_worker_passes", "Worker passes completed, by every worker.", value=passes
        )
        cumulative, buckets = 0.0, []
        for bound in (*heartbeat.PASS_BUCKETS, float("inf")):
            label = heartbeat.bucket_of(bound)
            cumulative += values.get((heartbeat.DURATION_BUCKET, label), 0.0)
            buckets.append((label, cumulative))
        yield HistogramMetricFamily(
            "encompass_worker_pass_duration_seconds",
            "How long worker passes took.",
            buckets=buckets,
            sum_value=values.get((heartbeat.DURATION_SUM, ""), 0.0),
        )
        answers = CounterMetricFamily(
            "encompass_provider_answers",
            "The providers' answers to the worker's sends, by kind: accepted, "
            "temporary_error (retried with backoff), failed (for good, or out of attempts).",
            labels=["kind"],
        )
        for kind in ("accepted", "temporary_error", "failed"):
            answers.add_metric([kind], values.get((heartbeat.PROVIDER_ANSWERS, kind), 0.0))
        yield answers
        work = CounterMetricFamily(
            "encompass_worker_work",
            "What worker passes did, by kind (messages by the status they ended in, ladder "
            "steps fired, review items escalated, failures followed up...).",
            labels=["kind"],
        )
        for (name, label), value in sorted(values.items()):
            if name == heartbeat.WORK:
                work.add_metric([label], value)
        yield work


def exposition(session: Session, now: datetime, stale_after: timedelta) -> tuple[bytes, str]:
    """The metrics in Prometheus' text format, and its content type."""
    from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

    registry = CollectorRegistry(auto_describe=False)
    registry.register(ServiceCollector(session, now, stale_after))
    return generate_latest(registry), str(CONTENT_TYPE_LATEST)
