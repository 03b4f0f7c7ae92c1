"""Coordinator forms. Checks that need the database live in the services, not here."""

from __future__ import annotations

import re

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, Form, RadioField, StringField
from wtforms.validators import DataRequired, Optional, ValidationError

from encompass.models.fields import MOBILE_EXAMPLE
from encompass.models.people import SETTING_ROLES
from encompass.onboarding.new_setting import SETTING_KINDS
from encompass.web.forms import DateParts, choices


class SearchForm(Form):
    q = StringField("Search by name, URN or postcode")


class ImportForm(FlaskForm):
    file = FileField(
        "GIAS establishment file (CSV or zip)",
        description="Download 'Establishment fields' from Get Information About Schools "
        "and upload the zip as it is, or the CSV in it. Closed establishments, those "
        "proposed to open and those that are not settings are skipped.",
    )
    partial = BooleanField("Import the good rows even if some rows are rejected")

    def validate_file(self, field: FileField) -> None:
        upload = field.data
        if upload is None or not getattr(upload, "filename", ""):
            raise ValidationError("Select a GIAS CSV or zip file")
        if not upload.filename.lower().endswith((".csv", ".zip")):
            raise ValidationError("The selected file must be a CSV or a zip file")


class NewSettingForm(FlaskForm):
    urn = StringField(
        "URN",
        description="From Ofsted or Get Information About Schools: six digits, or EY and "
        "six digits (for example EY234567)",
        validators=[DataRequired("Enter the setting's URN")],
    )
    name = StringField("Name", validators=[DataRequired("Enter the setting's name")])
    kind = RadioField(
        "Kind of setting",
        choices=choices(SETTING_KINDS.items()),
        validators=[DataRequired("Choose the kind of setting")],
    )
    postcode = StringField("Postcode (optional)", validators=[Optional()])
    la_code = StringField("Council LA code", validators=[Optional()])


class RollImportForm(FlaskForm):
    file = FileField(
        "Pupil roll (CSV or Common Transfer File)",
        description="A CTF (.xml) from the school's MIS, a MIS or census export (CSV with "
        "columns such as Surname, Forename, DOB, Postcode, UPN), or our own roll CSV.",
    )
    setting_urn = StringField(
        "URN of the setting (if the file does not say)",
        description="A MIS export usually does not name its school. A CTF and a census "
        "file do (by URN or LAEstab).",
        validators=[Optional()],
    )
    partial = BooleanField("Import the good rows even if some rows are rejected")

    def validate_file(self, field: FileField) -> None:
        upload = field.data
        if upload is None or not getattr(upload, "filename", ""):
            raise ValidationError("Select a roll file")
        if not upload.filename.lower().endswith((".csv", ".xml", ".ctf", ".txt")):
            raise ValidationError("The selected file must be a CSV or a CTF (.xml) file")


class CalendarForm(FlaskForm):
    file = FileField(
        "Term dates file (.ics or CSV)",
        description="The calendar your council or the school publishes: an iCalendar "
        "(.ics) file, or a CSV with the columns label,start_date,end_date.",
    )
    setting_urn = StringField(
        "URN of one setting (optional)",
        description="Leave blank for the council's calendar, which its schools follow. "
        "Give a URN for a setting's own term dates.",
        validators=[Optional()],
    )
    la_code = StringField("Council LA code", validators=[Optional()])

    def validate_file(self, field: FileField) -> None:
        upload = field.data
        if upload is None or not getattr(upload, "filename", ""):
            raise ValidationError("Select a term dates file")
        if not upload.filename.lower().endswith((".ics", ".csv", ".ical", ".txt")):
            raise ValidationError("The selected file must be an .ics or a CSV file")


class KeyAdultForm(FlaskForm):
    role = RadioField(
        "Role",
        choices=choices(SETTING_ROLES.items()),
        validators=[DataRequired("Select the Key Adult's role")],
    )
    name = StringField("Full name", validators=[DataRequired("Enter the Key Adult's full name")])
    email = StringField(
        "Email address",
        description="Their own work address, not a shared office inbox",
        validators=[DataRequired("Enter the Key Adult's email address")],
    )
    phone = StringField(
        "Mobile number",
        description=f"Alerts are sent by text message. For example, {MOBILE_EXAMPLE}",
    )


class VerifyForm(FlaskForm):
    code = StringField(
        "Code from the text message",
        description="Ask the Key Adult to read out the 6-digit code",
        validators=[DataRequired("Enter the 6-digit code from the text message")],
    )


class TrainingForm(FlaskForm):
    completed_on = DateParts("Date training was completed", description="For example, 14 9 2026")
    expires_on = DateParts(
        "Date training expires (optional)",
        description="Leave blank for two years after it was completed",
    )

    def validate_completed_on(self, field: DateParts) -> None:
        if field.data is None and not field.errors:
            raise ValidationError("Enter the date training was completed")


def _hh_mm(form: Form, field: StringField) -> None:
    match = re.fullmatch(r"(\d{1,2})[:.](\d{2})", (field.data or "").strip())
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        raise ValidationError("Enter the time as hours and minutes, like 08:45")
    field.data = f"{int(match[1]):02d}:{match[2]}"


class SchoolDayForm(FlaskForm):
    school_day_start = StringField(
        "Start of the school day",
        description="24-hour clock, for example 08:45. Leave blank to use the council's default.",
        validators=[Optional(), _hh_mm],
    )


class RemoveForm(FlaskForm):
    """Only a CSRF token: the POST itself is the request."""
