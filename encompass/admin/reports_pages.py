"""Reports: the partnership's numbers as charts with tables, and as CSV files."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from typing import Any

from flask import Response, g, render_template, request
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

PERIODS = [("4", "4 weeks"), ("12", "12 weeks"), ("26", "26 weeks"), ("52", "52 weeks")]


class ReportForm(Form):
    weeks = SelectField("Period", choices=choices(PERIODS), default="12", validate_choice=False)
    ending = DateParts("Week ending on or after", description="Leave blank for this week")


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
    return day.strftime("%-d %b")


@bp.get("/reports")
@role_required("admin", "coordinator")
def reports() -> Any:
    form, report = _report()
    labels = [_label(w.start) for w in report.weeks]
    every = max(1, len(labels) // 13)
    charts = {
        "weekly": bar_chart(
            "Notices and children each week",
            labels,
            [
                ("Notices", [w.notices for w in report.weeks]),
                ("Children", [w.children for w in report.weeks]),
            ],
            every=every,
        ),
        "escalations": bar_chart(
            "Escalations each week",
            labels,
            [("Escalations", [w.escalations for w in report.weeks])],
            every=every,
        ),
        "holidays": bar_chart(
            "Children by when the incident happened",
            ["Term time", "School holiday"],
            [("Children", [report.term_children, report.holiday_children])],
        ),
    }
    months = _months(report)
    charts["monthly"] = bar_chart(
        "Repeat and holiday-period notices each month",
        [m.start.strftime("%b %Y") for m in months],
        [
            ("Repeat notices", [m.repeats for m in months]),
            ("Holiday-period notices", [m.holiday for m in months]),
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
    _, report = _report()
    _audit_export("weekly")
    rows: list[list[Any]] = [["week_starting", "notices", "children", "escalations"]]
    rows += [[w.start.isoformat(), w.notices, w.children, w.escalations] for w in report.weeks]
    return _csv(rows, f"encompass-weekly-{report.start.isoformat()}.csv")


@bp.get("/reports/monthly.csv")
@role_required("admin", "coordinator")
def reports_monthly_csv() -> Any:
    _, report = _report()
    _audit_export("monthly")
    rows: list[list[Any]] = [["month", "notices", "repeat_notices", "holiday_period_notices"]]
    rows += [[m.start.strftime("%Y-%m"), m.notices, m.repeats, m.holiday] for m in _months(report)]
    return _csv(rows, f"encompass-monthly-{report.start.isoformat()}.csv")


@bp.get("/reports/summary.csv")
@role_required("admin", "coordinator")
def reports_summary_csv() -> Any:
    _, report = _report()
    _audit_export("summary")
    return _csv(summary_rows(report), f"encompass-summary-{report.start.isoformat()}.csv")


def summary_rows(report: Report) -> list[list[Any]]:
    def minutes(seconds: float | None) -> Any:
        return "" if seconds is None else round(seconds / 60, 1)

    in_time = report.in_time_percent
    return [
        ["measure", "value"],
        ["period_start", report.start.isoformat()],
        ["period_end", report.end.isoformat()],
        ["notices", report.notices],
        ["children", report.children],
        ["alerts", report.alerts],
        ["alerts_acknowledged", report.acknowledged],
        ["alerts_with_deadline", report.with_deadline],
        ["acknowledged_before_school_day_start", report.acknowledged_in_time],
        [
            "acknowledged_before_school_day_start_percent",
            "" if in_time is None else round(in_time, 1),
        ],
        ["median_minutes_to_acknowledge", minutes(report.median_seconds)],
        ["p90_minutes_to_acknowledge", minutes(report.p90_seconds)],
        ["escalations", report.escalations],
        ["council_handling", report.council_handling],
        ["council_acknowledged_for_setting", report.council_acknowledged],
        ["intake_matched", report.intake_outcomes["matched"]],
        ["intake_review", report.intake_outcomes["review"]],
        ["intake_no_setting", report.intake_outcomes["no_setting"]],
        ["review_matched_to_pupil", report.review["matched"]],
        ["review_not_on_roll", report.review["not_on_roll"]],
        ["review_waiting", report.review["waiting"]],
        ["review_escalated", report.review["escalated"]],
        ["children_term_time", report.term_children],
        ["children_school_holiday", report.holiday_children],
    ]
