"""The control room's notice form: GOV.UK fields in, the API's notice body out.

The form does not judge the notice itself: `notice_body()` turns what was typed into the
same JSON body a force's system sends, and the API's schema (NoticeIn) checks it. Its
errors come back onto the fields they are about, in words for the person at the form.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from flask_wtf import FlaskForm
from pydantic import ValidationError
from wtforms import (
    BooleanField,
    Field,
    FieldList,
    Form,
    FormField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)

from encompass.web.forms import YES_NO, DateParts, add_error, choices

RISK_LEVELS = choices([("standard", "Standard"), ("medium", "Medium"), ("high", "High")])
ADULT_ROLES = choices([("victim", "Victim"), ("suspect", "Suspect"), ("other", "Other")])
MAX_PEOPLE = 20


class AdultForm(Form):
    given_name = StringField("First name")
    family_name = StringField("Last name")
    relationship_to_children = StringField(
        "Relationship to the child",
        description="Who this adult is to the child, for example mother, father, "
        "mother's partner, father's ex-partner, grandmother",
    )
    role = RadioField("Role in the incident", choices=ADULT_ROLES, validate_choice=False)


class ChildForm(Form):
    given_name = StringField("First name")
    family_name = StringField("Last name")
    date_of_birth = DateParts("Date of birth", description="For example, 3 4 2019")
    unborn = BooleanField("This is an unborn child")
    expected_date = DateParts("Expected date of birth", description="For example, 14 6 2027")
    postcode = StringField("Child's postcode")
    address = StringField("Child's address")
    setting_urn = StringField(
        "School or setting URN, if known",
        description="6 digits, or EY and 6 digits for an early years setting. "
        "Leave blank if you do not know it: the child is matched on the school rolls.",
    )
    present = RadioField("Was the child present?", choices=YES_NO, validate_choice=False)
    where = StringField("Where was the child during the incident?")
    spoken_to = RadioField("Was the child spoken to?", choices=YES_NO, validate_choice=False)
    voice_of_child = TextAreaField(
        "What the child said, or how they presented",
        description="The voice of the child: their words, and non-verbal cues such as "
        "being quiet, withdrawn, clinging to a parent or upset",
    )
    other_adult_present = RadioField(
        "Was another adult with the child?", choices=YES_NO, validate_choice=False
    )


class NoticeForm(FlaskForm):
    police_reference = StringField("Police reference", description="For example, NY-2026-004211")
    occurred_on = DateParts("Date of the incident", description="For example, 22 11 2026")
    occurred_time = StringField(
        "Time of the incident", description="24-hour clock, for example 21:40"
    )
    location_postcode = StringField("Postcode where the incident happened")
    circumstances = TextAreaField("Brief circumstances")
    risk_level = RadioField("Risk level (DASH)", choices=RISK_LEVELS, validate_choice=False)
    officer_name = StringField("Officer's name")
    officer_collar_number = StringField("Collar number")
    officer_contact_phone = StringField(
        "Officer's contact phone", description="A number the school can call back on"
    )
    children = FieldList(FormField(ChildForm), min_entries=1, max_entries=MAX_PEOPLE)
    adults = FieldList(FormField(AdultForm), min_entries=1, max_entries=MAX_PEOPLE)


class FilterForm(Form):
    """The notice list's filters: GET parameters, so a filtered list can be bookmarked."""

    received_from = DateParts("Received from")
    received_to = DateParts("Received to")
    status = SelectField(
        "Status",
        choices=choices(
            [
                ("", "Any status"),
                ("waiting", "Not yet acknowledged"),
                ("acknowledged", "Acknowledged"),
                ("review", "Being matched by the council"),
                ("no_setting", "Sent to a fallback team"),
            ]
        ),
        validate_choice=False,
    )


# What to say when a field the schema needs was left empty.
REQUIRED = {
    "police_reference": "Enter the police reference",
    "occurred_on": "Enter the date of the incident",
    "occurred_time": "Enter the time of the incident",
    "location_postcode": "Enter the postcode where the incident happened",
    "risk_level": "Select the risk level",
    "officer_name": "Enter the officer's name",
    "officer_contact_phone": "Enter the officer's contact phone number",
    "children.given_name": "Enter the child's first name",
    "children.family_name": "Enter the child's last name",
    "children.date_of_birth": "Enter the child's date of birth, or tick 'This is an unborn child'",
    "children.expected_date": "Enter the expected date of birth",
    "children.present": "Select whether the child was present",
    "children.spoken_to": "Select whether the child was spoken to",
    "adults.given_name": "Enter the adult's first name",
    "adults.family_name": "Enter the adult's last name",
    "adults.relationship_to_children": "Enter who this adult is to the child, "
    "for example mother or mother's partner",
    "adults.role": "Select the adult's role in the incident",
}
# The API's field names, as the person at the form knows them.
WORDS = {
    "date_of_birth": "date of birth",
    "expected_date": "expected date of birth",
    "occurred_at": "the date and time of the incident",
    "setting_urn": "setting URN",
    "set unborn with expected_date": "tick 'This is an unborn child'",
}
# Schema paths that are not a form field of the same name.
SCHEMA_TO_FORM = {
    "occurred_at": "occurred_on",
    "officer.name": "officer_name",
    "officer.collar_number": "officer_collar_number",
    "officer.contact_phone": "officer_contact_phone",
}


def _yes_no(value: str | None) -> bool | None:
    return {"yes": True, "no": False}.get(value or "")


def _blank(form: Form) -> bool:
    for item in form:
        if isinstance(item, DateParts):
            if not item.is_empty:
                return False
        elif item.type == "BooleanField":
            if item.data:
                return False
        elif item.data not in (None, ""):
            return False
    return True


@dataclass
class Built:
    """The body for NoticeIn, and where each list item came from on the page."""

    body: dict[str, Any]
    children: list[ChildForm] = field(default_factory=list)
    adults: list[AdultForm] = field(default_factory=list)


def _entries(field_list: FieldList) -> list[Any]:
    """The filled-in rows; an empty extra row is ignored, but one row is always checked."""
    forms = [entry.form for entry in field_list.entries]
    filled = [f for f in forms if not _blank(f)]
    return filled or forms[:1]


def _occurred_at(form: NoticeForm, tz: ZoneInfo) -> str | None:
    day: date | None = form.occurred_on.data
    raw = (form.occurred_time.data or "").strip()
    at: time | None = None
    if raw:
        match = re.fullmatch(r"(\d{1,2})[:.]?(\d{2})", raw)
        if match and int(match[1]) < 24 and int(match[2]) < 60:
            at = time(int(match[1]), int(match[2]))
        else:
            add_error(form.occurred_time, "Enter the time as hours and minutes, like 21:40")
    if day is None or at is None:
        return None
    return datetime.combine(day, at, tzinfo=tz).isoformat()


def notice_body(form: NoticeForm, tz: ZoneInfo) -> Built:
    """The JSON body the API would receive for what is on the form."""
    body: dict[str, Any] = {
        "police_reference": (form.police_reference.data or "").strip(),
        "location_postcode": form.location_postcode.data or "",
        "circumstances": form.circumstances.data or "",
        "officer": {
            "name": form.officer_name.data or "",
            "collar_number": form.officer_collar_number.data or "",
            "contact_phone": form.officer_contact_phone.data or "",
        },
    }
    occurred = _occurred_at(form, tz)
    if occurred:
        body["occurred_at"] = occurred
    if form.risk_level.data:
        body["risk_level"] = form.risk_level.data
    built = Built(body)
    body["children"] = []
    for child in _entries(form.children):
        built.children.append(child)
        item: dict[str, Any] = {
            "given_name": child.given_name.data or "",
            "family_name": child.family_name.data or "",
            "unborn": bool(child.unborn.data),
            "postcode": child.postcode.data or None,
            "address": child.address.data or "",
            "where": child.where.data or "",
            "voice_of_child": child.voice_of_child.data or "",
            "setting_urn": (child.setting_urn.data or "").strip() or None,
        }
        for name in ("date_of_birth", "expected_date"):
            value = getattr(child, name).data
            item[name] = value.isoformat() if value else None
        for name in ("present", "spoken_to", "other_adult_present"):
            answer = _yes_no(getattr(child, name).data)
            if answer is not None:
                item[name] = answer
        body["children"].append(item)
    body["adults"] = []
    for adult in _entries(form.adults):
        built.adults.append(adult)
        entry: dict[str, Any] = {
            "given_name": adult.given_name.data or "",
            "family_name": adult.family_name.data or "",
            "relationship_to_children": adult.relationship_to_children.data or "",
        }
        if adult.role.data:
            entry["role"] = adult.role.data
        body["adults"].append(entry)
    return built


def _humanise(message: str) -> str:
    for api, words in WORDS.items():
        message = message.replace(api, words)
    return message[:1].upper() + message[1:]


def _target(form: NoticeForm, built: Built, loc: tuple[Any, ...]) -> tuple[Field | None, str]:
    """The form field a schema error is about, and the REQUIRED key for it."""
    if loc and loc[0] in ("children", "adults") and len(loc) >= 3 and isinstance(loc[1], int):
        rows: list[Any] = built.children if loc[0] == "children" else built.adults
        if loc[1] < len(rows):
            return getattr(rows[loc[1]], str(loc[2]), None), f"{loc[0]}.{loc[2]}"
        return None, ""
    path = ".".join(str(p) for p in loc)
    name = SCHEMA_TO_FORM.get(path, path)
    return getattr(form, name, None), name


def apply_schema_errors(form: NoticeForm, built: Built, exc: ValidationError) -> None:
    """Put each of the schema's errors on its field, worded for the form."""
    for err in exc.errors():
        target, key = _target(form, built, tuple(err["loc"]))
        if target is None:
            form.form_errors.append(_humanise(err["msg"].removeprefix("Value error, ")))
            continue
        if target.errors:
            continue  # the form's own error (an impossible date) says it better
        empty = isinstance(target, DateParts) and target.is_empty
        empty = empty or (not isinstance(target, DateParts) and target.data in (None, ""))
        if key == "occurred_on" and form.occurred_on.data and not form.occurred_time.data:
            add_error(form.occurred_time, REQUIRED["occurred_time"])
        elif empty and key in REQUIRED or err["type"] == "literal_error" and key in REQUIRED:
            add_error(target, REQUIRED[key])
        else:
            add_error(target, _humanise(err["msg"].removeprefix("Value error, ")))
