"""GOV.UK Frontend for the pages: the Jinja macros, the assets, and filters every page uses.

The macros come from `govuk-frontend-jinja`, loaded under the `govuk_frontend_jinja/`
prefix (as GOV.UK Notify does). The CSS, JavaScript, images and fonts come from the npm
package `govuk-frontend`, which scripts/bootstrap installs and copies to static/govuk/.
The service is not on gov.uk, so its pages use Arial, never the GDS Transport font
(static/encompass.css overrides the font family, and the font files are never asked for).
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import phonenumbers
from babel.dates import format_date, format_datetime
from flask import Blueprint, Flask, current_app, send_from_directory
from flask_babel import gettext, lazy_gettext, ngettext
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader

from encompass.alerts.policy import AlertPolicy
from encompass.auth.access import public
from encompass.config import installed
from encompass.db import utcnow
from encompass.operations.policy import OperationsPolicy

bp = Blueprint("frontend", __name__)
# The version scripts/bootstrap installs (package.json); govuk-frontend-jinja 4.1.0 targets it.
GOVUK_FRONTEND_VERSION = "6.3.0"


def init_app(app: Flask) -> None:
    app.jinja_loader = ChoiceLoader(
        [
            FileSystemLoader(app.template_folder or "templates"),
            PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")}),
        ]
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.jinja_env.filters["localtime"] = localtime
    app.jinja_env.filters["localdate"] = localdate
    app.jinja_env.filters["moment"] = moment
    app.jinja_env.filters["age"] = age
    app.jinja_env.filters["day"] = long_date
    app.jinja_env.filters["duration"] = duration
    app.jinja_env.filters["phone"] = phone
    app.add_template_global(navigation)
    app.add_template_global(worker_stale)
    app.register_blueprint(bp)


def govuk_dir() -> Path:
    return Path(current_app.static_folder or "static") / "govuk"


@bp.get("/assets/<path:filename>")
@public
def govuk_asset(filename: str) -> Any:
    """The fonts and images govuk-frontend.min.css asks for at /assets/ (an absolute path)."""
    return send_from_directory(govuk_dir() / "assets", filename)


def _local(value: datetime) -> datetime:
    return value.astimezone(installed(AlertPolicy).tz)


def _locale() -> str:
    from encompass.web.language import current_language

    return current_language()


def localtime(value: Any) -> str:
    """A UTC instant shown in the service's time zone, e.g. '23 November 2026, 08:45'
    ('23 Tachwedd 2026, 08:45' in Welsh)."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if value is None:
        return ""
    return format_datetime(_local(value), "d MMMM y, HH:mm", locale=_locale())


def moment(value: datetime | None) -> str:
    """'09:52' for a moment earlier today (local), else the day too: '22 November 2026, 21:40'."""
    if value is None:
        return ""
    if _local(value).date() == _local(utcnow()).date():
        return _local(value).strftime("%H:%M")
    return localtime(value)


def age(born: date | None) -> str:
    """A child's age today, as a teacher says it: 'age 7', or '10 months old' under two."""
    if born is None:
        return ""
    today = _local(utcnow()).date()
    months = (today.year - born.year) * 12 + today.month - born.month - (today.day < born.day)
    if months < 24:
        months = max(months, 0)
        return ngettext("%(num)d month old", "%(num)d months old", months)
    return gettext("age %(years)d", years=months // 12)


def localdate(value: datetime | None) -> str:
    """The local calendar day of a UTC instant, e.g. '23 November 2026'."""
    return "" if value is None else long_date(_local(value).date())


def long_date(value: date | None) -> str:
    """'23 November 2026'; in Welsh '23 Tachwedd 2026'."""
    return "" if value is None else format_date(value, "d MMMM y", locale=_locale())


def phone(value: str | None) -> str:
    """'+447911123456' as people write it: '07911 123456'; other countries in full."""
    if not value:
        return ""
    try:
        number = phonenumbers.parse(value, "GB")
    except phonenumbers.NumberParseException:
        return value
    style = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if number.country_code == 44
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(number, style)


def duration(seconds: float | None) -> str:
    """'2 hours 5 minutes', '45 minutes', '3 days 4 hours': how people say a wait."""
    if seconds is None:
        return ""
    minutes = int(round(seconds / 60))
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    parts = []
    if days:
        parts.append(ngettext("%(num)d day", "%(num)d days", days))
    if hours:
        parts.append(ngettext("%(num)d hour", "%(num)d hours", hours))
    if minutes:
        parts.append(ngettext("%(num)d minute", "%(num)d minutes", minutes))
    return " ".join(parts[:2]) or gettext("under a minute")


# (label, endpoint) per role: the service navigation. Entries whose blueprint is not
# registered (the review queue before it exists) are left out.
NAVIGATION: dict[str, list[tuple[Any, str]]] = {
    "police": [
        (lazy_gettext("Notices"), "police.notices"),
        (lazy_gettext("Submit a notice"), "police.new_notice"),
        (lazy_gettext("Your account"), "accounts.account"),
    ],
    "dsl": [
        (lazy_gettext("Notifications"), "dsl.inbox"),
        (lazy_gettext("Your account"), "accounts.account"),
    ],
    "coordinator": [
        (lazy_gettext("Settings"), "admin.settings"),
        (lazy_gettext("Needs attention"), "admin.attention"),
        (lazy_gettext("Review queue"), "review.queue"),
        (lazy_gettext("Coverage"), "admin.coverage_page"),
        (lazy_gettext("Reports"), "admin.reports"),
        (lazy_gettext("Children to look at together"), "admin.repeated_children_page"),
        (lazy_gettext("Who has seen a notice"), "admin.access_search"),
        (lazy_gettext("Your account"), "accounts.account"),
    ],
}
# Admins run the service; the children's list is the council's coordinators' alone. They
# also help the councils' coordinators (a lost phone, a forgotten password).
NAVIGATION["admin"] = [
    item
    for item in NAVIGATION["coordinator"]
    if item[1] not in ("admin.repeated_children_page", "accounts.account")
]
NAVIGATION["admin"] += [
    (lazy_gettext("Coordinators"), "admin.coordinators"),
    (lazy_gettext("Your account"), "accounts.account"),
]


def navigation() -> list[dict[str, Any]]:
    from flask import request, url_for
    from flask_login import current_user

    if not current_user.is_authenticated:
        return []
    here = request.endpoint or ""
    items = []
    for text, endpoint in NAVIGATION.get(current_user.role, []):
        if endpoint not in current_app.view_functions:
            continue
        current = here == endpoint
        items.append(
            {
                "text": str(text),
                "href": url_for(endpoint),
                "current": current,
                "active": not current and _owns(endpoint, here),
            }
        )
    return items


def _owns(endpoint: str, here: str) -> bool:
    """Sub-pages light up their section: a setting's page is under Settings."""
    sections = {
        "admin.settings": ("admin.setting", "admin.import_", "admin.key_adult"),
        "police.notices": ("police.notice",),
        "dsl.inbox": ("alerts.",),
        "review.queue": ("review.",),
        "admin.access_search": ("admin.notice_access",),
        "accounts.account": ("accounts.account_two_factor", "accounts.forget_device"),
    }
    return here.startswith(sections.get(endpoint, ("\0",)))


def worker_stale() -> bool:
    """For an admin or a coordinator: no worker pass has completed within
    WORKER_STALE_SECONDS, so alerts are not being sent (the red banner on every page)."""
    from flask import g
    from flask_login import current_user
    from sqlalchemy.exc import SQLAlchemyError

    from encompass.db import utcnow
    from encompass.operations.heartbeat import worker_health

    if not current_user.is_authenticated or current_user.role not in ("admin", "coordinator"):
        return False
    stale_after = installed(OperationsPolicy).worker_stale
    try:
        return worker_health(g.db, utcnow(), stale_after).stale
    except SQLAlchemyError:
        return False  # the page itself will say the database is away
