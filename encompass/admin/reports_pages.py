"""Reports: the partnership's numbers as charts with tables, and as CSV files."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from typing import Any

from babel.dates import format_date
from flask import Response, g, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext
from flask_login import current_user
from wtforms import Form, SelectField

from encompass.admin.blueprint import bp, council_scope
from encompass.auth.access import role_required
from encompass.db import utcnow
from encompass.policies import policies
from encompass.records import audit
from encompass.reports.charts import bar_chart
from encompass.reports.repeats import Month, monthly_counts
from encompass.reports.stats import Report, build_report, monday
from encompass.web.forms import DateParts, choices
from encompass.web.language import current_language

PERIODS = [
    ("4", lazy_gettext("4 weeks")),
    ("12", lazy_gettext("12 weeks")),
    ("26", lazy_gettext("26 weeks")),
    ("52", lazy_gettext("52 weeks")),
]


class ReportForm(Form):
    weeks = SelectField(
        lazy_gettext("Period"), choices=choices(PERIODS), default="12", validate_choice=False
    )
    ending = DateParts(
        lazy_gettext("Week ending on or after"),
        description=lazy_gettext("Leave blank for this week"),
    )


def _months(report: Report) -> list[Month]:
    """Repeat and holiday-period notices in each month the report's weeks touch."""
    tz = policies().tz
    return monthly_counts(
        g.db, council_scope(), policies().repeats, first=report.start, last=report.end, tz=tz
    )


def _report() -> tuple[ReportForm, Report]:
    form = ReportForm(request.args)
    tz = policies().tz
    weeks = int(form.weeks.data) if form.weeks.data in dict(PERIODS) else 12
    last = form.ending.data or utcnow().astimezone(tz).date()
    start = monday(last) - timedelta(days=7 * (weeks - 1))
    return form, build_report(g.db, council_scope(), start=start, weeks=weeks, tz=tz, now=utcnow())


def _label(day: date) -> str:
    """'7 Sept', '7 Medi': a week's first day, short, in the reader's language."""
    return format_date(day, "d MMM", locale=current_language())


def month_name(day: date) -> str:
    """'September 2026', 'Medi 2026'."""
    return format_date(day, "LLLL y", locale=current_language())


@bp.get("/reports")
@role_required("admin", "coordinator")
def reports() -> Any:
    form, report = _report()
    labels = [_label(w.start) for w in report.weeks]
    every = max(1, len(labels) // 13)
    charts = {
        "weekly": bar_chart(
            _("Notices and children each week"),
            labels,
            [
                (_("Notices"), [w.notices for w in report.weeks]),
                (_("Children"), [w.children for w in report.weeks]),
            ],
            every=every,
        ),
        "escalations": bar_chart(
            _("Escalations each week"),
            labels,
            [(_("Escalations"), [w.escalations for w in report.weeks])],
            every=every,
        ),
        "holidays": bar_chart(
            _("Children by when the incident happened"),
            [_("Term time"), _("School holiday")],
            [(_("Children"), [report.term_children, report.holiday_children])],
        ),
    }
    months = _months(report)
    charts["monthly"] = bar_chart(
        _("Repeat and holiday-period notices each month"),
        [format_date(m.start, "MMM y", locale=current_language()) for m in months],
        [
            (_("Repeat notices"), [m.repeats for m in months]),
            (_("Holiday-period notices"), [m.holiday for m in months]),
        ],
    )
    return render_template(
        "admin/reports.html",
        report=report,
        charts=charts,
        months=months,
        repeat_days=policies().repeats.days,
        filters=form,
        query=request.args,
        month_name=month_name,
    )


def _audit_export(which: str) -> None:
    audit.record(
        g.db, "report.exported", user_id=current_user.id, detail=f"{which} CSV (counts only)"
    )


def _csv(rows: list[list[Any]], name: str) -> Response:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return Response(
        out.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@bp.get("/reports/weekly.csv")
@role_required("admin", "coordinator")
def reports_weekly_csv() -> Any:
    _form, report = _report()
    _audit_export("weekly")
    rows: list[list[Any]] = [[_("week_starting"), _("notices"), _("children"), _("escalations")]]
    rows += [[w.start.isoformat(), w.notices, w.children, w.escalations] for w in report.weeks]
    return _csv(rows, f"encompass-weekly-{report.start.isoformat()}.csv")


@bp.get("/reports/monthly.csv")
@role_required("admin", "coordinator")
def reports_monthly_csv() -> Any:
    _form, report = _report()
    _audit_export("monthly")
    rows: list[list[Any]] = [
        [_("month"), _("notices"), _("repeat_notices"), _("holiday_period_notices")]
    ]
    rows += [[m.start.strftime("%Y-%m"), m.notices, m.repeats, m.holiday] for m in _months(report)]
    return _csv(rows, f"encompass-monthly-{report.start.isoformat()}.csv")


@bp.get("/reports/summary.csv")
@role_required("admin", "coordinator")
def reports_summary_csv() -> Any:
    _form, report = _report()
    _audit_export("summary")
    return _csv(summary_rows(report), f"encompass-summary-{report.start.isoformat()}.csv")


def summary_rows(report: Report) -> list[list[Any]]:
    def minutes(seconds: float | None) -> Any:
        return "" if seconds is None else round(seconds / 60, 1)

    in_time = report.in_time_percent
    rows: list[list[Any]] = [
        [_("measure"), _("value")],
        [_("period_start"), report.start.isoformat()],
        [_("period_end"), report.end.isoformat()],
        [_("notices"), report.notices],
        [_("children"), report.children],
        [_("alerts"), report.alerts],
        [_("alerts_acknowledged"), report.acknowledged],
        [_("alerts_with_deadline"), report.with_deadline],
        [_("acknowledged_before_school_day_start"), report.acknowledged_in_time],
        [
            _("acknowledged_before_school_day_start_percent"),
            "" if in_time is None else round(in_time, 1),
        ],
        [_("median_minutes_to_acknowledge"), minutes(report.median_seconds)],
        [_("p90_minutes_to_acknowledge"), minutes(report.p90_seconds)],
        [_("escalations"), report.escalations],
        [_("council_handling"), report.council_handling],
        [_("council_acknowledged_for_setting"), report.council_acknowledged],
        [_("intake_matched"), report.intake_outcomes["matched"]],
        [_("intake_review"), report.intake_outcomes["review"]],
        [_("intake_no_setting"), report.intake_outcomes["no_setting"]],
        [_("review_matched_to_pupil"), report.review["matched"]],
        [_("review_not_on_roll"), report.review["not_on_roll"]],
        [_("review_waiting"), report.review["waiting"]],
        [_("review_escalated"), report.review["escalated"]],
        [_("children_term_time"), report.term_children],
        [_("children_school_holiday"), report.holiday_children],
    ]
    return rows
