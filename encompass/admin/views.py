"""Admin and coordinator pages. A coordinator sees their own council only.

The blueprint is in blueprint.py; its pages are in the modules imported here, which
register themselves on it: settings and Key Adults, GIAS imports, alerts needing
attention, who has seen a notice, reports; coverage is here.
"""

from __future__ import annotations

from typing import Any

from flask import g, render_template

from encompass.admin import (  # noqa: F401 - the pages register themselves on `bp`
    access_pages,
    account_pages,
    attention_pages,
    calendar_pages,
    import_pages,
    repeats_pages,
    reports_pages,
    settings_pages,
)
from encompass.admin.blueprint import bp, council_scope
from encompass.admin.coverage import coverage
from encompass.auth.access import role_required
from encompass.db import utcnow


@bp.get("/coverage")
@role_required("admin", "coordinator")
def coverage_page() -> Any:
    rows = coverage(g.db, council_scope(), today=utcnow().date())
    with_problems = [r for r in rows if r.problems]
    return render_template("admin/coverage.html", rows=with_problems, total=len(rows))
