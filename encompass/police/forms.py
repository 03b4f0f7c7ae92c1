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

from flask_babel import gettext as _
from flask_babel import lazy_gettext
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

from encompass.models.fields import LANDLINE_EXAMPLE
from encompass.notices.wording import Who, person, with_person, worded
from encompass.police.queries import Progress
from encompass.web.forms import YES_NO, DateParts, add_error, choices

RISK_LEVELS = choices(
    [
        ("standard", lazy_gettext("Standard")),
        ("medium", lazy_gettext("Medium")),
        ("high", lazy_gettext("High")),
    ]
)
ADULT_ROLES = choices(
    [
        ("victim", lazy_gettext("Victim")),
        ("suspect", lazy_gettext("Suspect")),
        ("other", lazy_gettext("Other")),
    ]
)
MAX_PEOPLE = 20


NAME_HINT = lazy_gettext("Up to 100 characters")


class AdultForm(Form):
    given_name = StringField(lazy_gettext("First name"), description=NAME_HINT)
    family_name = StringField(lazy_gettext("Last name"), description=NAME_HINT)
    relationship_to_children = StringField(
        lazy_gettext("Relationship to the child"),
        description=lazy_gettext(
            "Who this adult is to the child, for example mother, father, "
            "mother's partner, father's ex-partner, grandmother"
        ),
    )
    role = RadioField(
        lazy_gettext("Role in the incident"), choices=ADULT_ROLES, validate_choice=False
    )


class ChildForm(Form):
    given_name = StringField(lazy_gettext("First name"), description=NAME_HINT)
    family_name = StringField(lazy_gettext("Last name"), description=NAME_HINT)
    date_of_birth = DateParts(
        lazy_gettext("Date of birth"), description=lazy_gettext("For example, 3 4 2019")
    )
    age_years = StringField(
        lazy_gettext("Age in years, if the date of birth is not known"),
        description=lazy_gettext("Leave blank when you have the date of birth"),
    )
    unborn = BooleanField(lazy_gettext("This is an unborn child"))
    expected_date = DateParts(
        lazy_gettext("Expected date of birth"), description=lazy_gettext("For example, 14 6 2027")
    )
    # Children of one household: the second and later ones can take the first's address.
    same_address = BooleanField(lazy_gettext("Same address as child 1"))
    postcode = StringField(
        lazy_gettext("Child's postcode"), description=lazy_gettext("For example, YO1 7HH")
    )
    address = StringField(
        lazy_gettext("Child's address"),
        description=lazy_gettext("House number and street, up to 300 characters"),
    )
    setting_urn = StringField(
        lazy_gettext("School or setting URN, if known"),
        description=lazy_gettext(
            "6 digits, or EY and 6 digits for an early years setting. "
            "Leave blank if you do not know it: the child is matched on the school rolls."
        ),
    )
    present = RadioField(
        lazy_gettext("Was the child present?"), choices=YES_NO, validate_choice=False
    )
    where = StringField(
        lazy_gettext("Where was the child during the incident?"),
        description=lazy_gettext("Up to 500 characters"),
    )
    spoken_to = RadioField(
        lazy_gettext("Was the child spoken to?"), choices=YES_NO, validate_choice=False
    )
    voice_of_child = TextAreaField(
        lazy_gettext("What the child said, or how they presented"),
        description=lazy_gettext(
            "The voice of the child: their words, and non-verbal cues such as "
            "being quiet, withdrawn, clinging to a parent or upset"
        ),
    )
    other_adult_present = RadioField(
        lazy_gettext("Was another adult with the child?"), choices=YES_NO, validate_choice=False
    )


class NoticeForm(FlaskForm):
    police_reference = StringField(
        lazy_gettext("Police reference"),
        description=lazy_gettext(
            "For example, NY-2026-004211. Up to 64 letters, numbers and / _ . : -"
        ),
    )
    occurred_on = DateParts(
        lazy_gettext("Date of the incident"), description=lazy_gettext("For example, 22 11 2026")
    )
    occurred_time = StringField(
        lazy_gettext("Time of the incident"),
        description=lazy_gettext("For example, 21:40 or 9:40pm"),
    )
    location_postcode = StringField(lazy_gettext("Postcode where the incident happened"))
    circumstances = TextAreaField(lazy_gettext("Brief circumstances"))
    risk_level = RadioField(
        lazy_gettext("Risk level (DASH)"), choices=RISK_LEVELS, validate_choice=False
    )
    officer_name = StringField(lazy_gettext("Officer's name"))
    officer_collar_number = StringField(lazy_gettext("Collar number"))
    officer_contact_phone = StringField(
        lazy_gettext("Officer's contact phone"),
        description=lazy_gettext(
            "A number the school can call back on, for example %(example)s",
            example=LANDLINE_EXAMPLE,
        ),
    )
    children = FieldList(FormField(ChildForm), min_entries=1, max_entries=MAX_PEOPLE)
    adults = FieldList(FormField(AdultForm), min_entries=1, max_entries=MAX_PEOPLE)


class BlankRows(Form):
    """A blank child and adult for the page's <template>s: with prefix "new", their names
    ("new-children-0-...") are renamed by the script that adds a row in place."""

    children = FieldList(FormField(ChildForm), min_entries=1)
    adults = FieldList(FormField(AdultForm), min_entries=1)


class FilterForm(Form):
    """The notice list's filters: GET parameters, so a filtered list can be bookmarked."""

    received_from = DateParts(lazy_gettext("Received from"))
    received_to = DateParts(lazy_gettext("Received to"))
    status = SelectField(
        lazy_gettext("Status"),
        choices=choices(
            [
                ("", lazy_gettext("Any status")),
                (Progress.WAITING, lazy_gettext("Not yet acknowledged")),
                (Progress.ACKNOWLEDGED, lazy_gettext("Acknowledged")),
                (Progress.REVIEW, lazy_gettext("Being matched by the council")),
                (Progress.NO_SETTING, lazy_gettext("Sent to a fallback team")),
            ]
        ),
        validate_choice=False,
    )


# Schema paths that are not a form field of the same name.
SCHEMA_TO_FORM = {
    "occurred_at": "occurred_on",
    "officer.name": "officer_name",
    "officer.collar_number": "officer_collar_number",
    "officer.contact_phone": "officer_contact_phone",
}
# The form asks for these in its own way (boxes and ticks), so it says so in its own words.
FORM_WORDS = {
    "occurred_on": lazy_gettext("Enter the date of the incident"),
    "occurred_time": lazy_gettext("Enter the time of the incident"),
    "date_of_birth": lazy_gettext(
        "Enter a date of birth (or the age, if the date is not known), or tick "
        "'This is an unborn child'"
    ),
}
TIME = re.compile(r"(\d{1,2})(?:[:.]?(\d{2}))?\s*([ap])\.?m?\.?", re.IGNORECASE)


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
        at = parse_time(raw)
        if at is None:
            add_error(form.occurred_time, _("Enter the time like 21:40 or 9:40pm"))
    if day is None or at is None:
        return None
    return datetime.combine(day, at, tzinfo=tz).isoformat()


def parse_time(raw: str) -> time | None:
    """'21:40', '2140', '21.40', '9pm', '9:40 pm' -> a time; None if it is not one."""
    raw = raw.strip()
    twelve = TIME.fullmatch(raw)
    if twelve:
        hour, minute = int(twelve[1]), int(twelve[2] or 0)
        if not 1 <= hour <= 12 or minute > 59:
            return None
        return time(hour % 12 + (12 if twelve[3].lower() == "p" else 0), minute)
    match = re.fullmatch(r"(\d{1,2})[:.]?(\d{2})", raw)
    if match and int(match[1]) < 24 and int(match[2]) < 60:
        return time(int(match[1]), int(match[2]))
    return None


def child_item(child: ChildForm, first: ChildForm | None = None) -> dict[str, Any]:
    """One child as the API's child body; `first` lends its address when asked to."""
    home = first if first is not None and child.same_address.data else child
    item: dict[str, Any] = {
        "given_name": child.given_name.data or "",
        "family_name": child.family_name.data or "",
        "unborn": bool(child.unborn.data),
        "postcode": home.postcode.data or None,
        "address": home.address.data or "",
        "where": child.where.data or "",
        "voice_of_child": child.voice_of_child.data or "",
        "setting_urn": (child.setting_urn.data or "").strip() or None,
    }
    for name in ("date_of_birth", "expected_date"):
        value = getattr(child, name).data
        item[name] = value.isoformat() if value else None
    age = (child.age_years.data or "").strip()
    if age:
        # Digits are a number; anything else goes as typed, and is refused in words.
        item["age_years"] = int(age) if age.isdigit() else age
    for name in ("present", "spoken_to", "other_adult_present"):
        answer = _yes_no(getattr(child, name).data)
        if answer is not None:
            item[name] = answer
    return item


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
    first = form.children.entries[0].form
    for child in _entries(form.children):
        built.children.append(child)
        body["children"].append(child_item(child, first if child is not first else None))
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


def _target(form: NoticeForm, built: Built, loc: tuple[Any, ...]) -> tuple[Field | None, str]:
    """The form field a schema error is about, and that field's name."""
    if loc and loc[0] in ("children", "adults") and len(loc) >= 3 and isinstance(loc[1], int):
        rows: list[Any] = built.children if loc[0] == "children" else built.adults
        if loc[1] < len(rows):
            return getattr(rows[loc[1]], str(loc[2]), None), str(loc[2])
        return None, ""
    path = ".".join(str(p) for p in loc)
    name = SCHEMA_TO_FORM.get(path, path)
    return getattr(form, name, None), name


def _page_numbers(form: NoticeForm, built: Built) -> Who:
    """Children and adults are named by their place on the page (blank rows are skipped
    in the body, not on the page)."""

    def who(group: str, index: int) -> str:
        rows: list[Any] = built.children if group == "children" else built.adults
        field_list = form.children if group == "children" else form.adults
        forms = [entry.form for entry in field_list.entries]
        place = forms.index(rows[index]) if index < len(rows) and rows[index] in forms else index
        if group == "children":
            return _("Child %(number)d", number=place + 1)
        return _("Adult %(number)d", number=place + 1)

    return who


def _is_empty(target: Field) -> bool:
    if isinstance(target, DateParts):
        return target.is_empty
    return target.data in (None, "")


def apply_schema_errors(form: NoticeForm, built: Built, exc: ValidationError) -> None:
    """Put each of the schema's errors on its field, in the API's words for people."""
    who = _page_numbers(form, built)
    for err in exc.errors():
        target, name = _target(form, built, tuple(err["loc"]))
        if target is None:
            form.form_errors.append(worded(err, who))
            continue
        if target.errors:
            continue  # the form's own error (an impossible date) says it better
        if name == "occurred_on":
            if form.occurred_time.errors:
                continue  # a time it could not read: that is the error, not the date
            if form.occurred_on.data and not (form.occurred_time.data or "").strip():
                add_error(form.occurred_time, str(FORM_WORDS["occurred_time"]))
                continue
            if _is_empty(target):
                add_error(target, str(FORM_WORDS["occurred_on"]))
                continue
        message = worded(err, who)
        if name in FORM_WORDS and _is_empty(target) and err["type"] in ("value_error", "missing"):
            named = person(err["loc"], who)
            message = with_person(named, str(FORM_WORDS[name])) if named else str(FORM_WORDS[name])
        add_error(target, message)
    name_people(form)


def name_people(form: NoticeForm | Form, groups: tuple[str, ...] = ("children", "adults")) -> None:
    """Every error on a child's or adult's field says whose it is: 'Child 2: ...'."""
    for group in groups:
        field_list = getattr(form, group, None)
        if field_list is None:
            continue
        for place, entry in enumerate(field_list.entries, 1):
            if group == "children":
                named = _("Child %(number)d", number=place)
            else:
                named = _("Adult %(number)d", number=place)
            for item in entry.form:
                if item.errors:
                    item.errors = [with_person(named, str(m)) for m in item.errors]
