"""One setting added by hand: an early years provider, or a school GIAS does not have yet.

Ofsted registers nurseries and childminders with URNs like `EY234567` (older ones) or
six digits; GIAS URNs are six digits (a few older ones five to eight).
"""

from __future__ import annotations

import re

from sqlmodel import Session, select

from encompass.db import utcnow
from encompass.models import Setting
from encompass.models.fields import normalise_postcode
from encompass.onboarding.errors import OnboardingError
from encompass.onboarding.gias import nation_of

SETTING_KINDS = {
    "school": "School",
    "early_years": "Early years (nursery, pre-school, childminder)",
    "special": "Special school",
    "alternative_provision": "Alternative provision (pupil referral unit)",
    "college": "College (16 to 19, further education)",
}
URN_PATTERN = re.compile(r"(EY\d{6}|\d{5,8})")


class SettingError(OnboardingError):
    """What is wrong, and with which field (urn, name, la_code, kind, postcode)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def normalise_urn(value: str) -> str:
    urn = re.sub(r"\s+", "", value).upper()
    if not URN_PATTERN.fullmatch(urn):
        raise SettingError(
            "urn", "Enter the URN: six digits, or EY and six digits for Ofsted early years"
        )
    return urn


def add_setting(
    session: Session,
    *,
    urn: str,
    name: str,
    la_code: str,
    kind: str,
    postcode: str = "",
    scope: str | None = None,
) -> tuple[Setting, bool]:
    """(the setting, whether it is new). An existing setting with the URN is updated,
    unless it is a council team or (with `scope`) in another council."""
    urn = normalise_urn(urn)
    name = " ".join(name.split())
    if not name or len(name) > 200:
        raise SettingError("name", "Enter the setting's name (up to 200 characters)")
    la_code = la_code.strip()
    if not re.fullmatch(r"\d{3}", la_code):
        raise SettingError("la_code", "Enter the council's LA code: three digits, like 816")
    if kind not in SETTING_KINDS:
        raise SettingError("kind", f"Choose the kind of setting: {', '.join(SETTING_KINDS)}")
    try:
        postcode = normalise_postcode(postcode) if postcode.strip() else ""
    except ValueError as exc:
        raise SettingError("postcode", str(exc)) from None
    setting = session.exec(select(Setting).where(Setting.urn == urn)).first()
    if setting is not None and setting.kind not in SETTING_KINDS:
        raise SettingError("urn", f"{urn} is a council team, not a setting")
    if setting is not None and scope is not None and setting.la_code != scope:
        raise SettingError("urn", f"{urn} is a setting in another council")
    now = utcnow()
    new = setting is None
    setting = setting or Setting(urn=urn, name=name, created_at=now)
    setting.name, setting.la_code, setting.kind, setting.postcode = name, la_code, kind, postcode
    setting.type_name = setting.type_name or SETTING_KINDS[kind].split(" (")[0]
    setting.nation = nation_of(setting.type_name, la_code)
    setting.updated_at = now
    session.add(setting)
    session.flush()
    return setting, new
