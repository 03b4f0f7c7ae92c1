"""Coordinator forms. Checks that need the database live in the services, not here.

Labels, hints and errors are `lazy_gettext`: the forms are made at import, and each page
shows them in its reader's language.
"""

from __future__ import annotations

import re
from typing import Any

from flask_babel import lazy_gettext
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, Form, RadioField, StringField
from wtforms.validators import DataRequired, Optional, ValidationError

from encompass.models.fields import MOBILE_EXAMPLE
from encompass.models.people import SETTING_ROLES
from encompass.onboarding.new_setting import SETTING_KINDS
from encompass.web.forms import DateParts, choices


def _translated(pairs: dict[str, str]) -> list[Any]:
    """(value, label) choices whose labels (marked with N_ where they are made) show in the
    reader's language."""
    return choices((value, lazy_gettext(label)) for value, label in pairs.items())


class SearchForm(Form):
    q = StringField(lazy_gettext("Search by name, URN or postcode"))


class ImportForm(FlaskForm):
    file = FileField(
        lazy_gettext("GIAS establishment file (CSV or zip)"),
        description=lazy_gettext(
            "Download 'Establishment fields' from Get Information About Schools "
            "and upload the zip as it is, or the CSV in it. Closed establishments, those "
            "proposed to open and those that are not settings are skipped."
        ),
    )
    partial = BooleanField(lazy_gettext("Import the good rows even if some rows are rejected"))

    def validate_file(self, field: FileField) -> None:
        upload = field.data
        if upload is None or not getattr(upload, "filename", ""):
            raise ValidationError(lazy_gettext("Select a GIAS CSV or zip file"))
        if not upload.filename.lower().endswith((".csv", ".zip")):
            raise ValidationError(lazy_gettext("The selected file must be a CSV or a zip file"))


class NewSettingForm(FlaskForm):
    urn = StringField(
        lazy_gettext("URN"),
        description=lazy_gettext(
            "From Ofsted or Get Information About Schools: six digits, or EY and "
            "six digits (for example EY234567)"
        ),
        validators=[DataRequired(lazy_gettext("Enter the setting's URN"))],
    )
    name = StringField(
        lazy_gettext("Name"), validators=[DataRequired(lazy_gettext("Enter the setting's name"))]
    )
    kind = RadioField(
        lazy_gettext("Kind of setting"),
        choices=_translated(SETTING_KINDS),
        validators=[DataRequired(lazy_gettext("Choose the kind of setting"))],
    )
    postcode = StringField(lazy_gettext("Postcode (optional)"), validators=[Optional()])
    la_code = StringField(lazy_gettext("Council LA code"), validators=[Optional()])


class RollImportForm(FlaskForm):
    file = FileField(
        lazy_gettext("Pupil roll (CSV or Common Transfer File)"),
        description=lazy_gettext(
            "A CTF (.xml) from the school's MIS, a MIS or census export (CSV with "
            "columns such as Surname, Forename, DOB, Postcode, UPN), or our own roll CSV."
        ),
    )
    setting_urn = StringField(
        lazy_gettext("URN of the setting (if the file does not say)"),
        description=lazy_gettext(
            "A MIS export usually does not name its school. A CTF and a census "
            "file do (by URN or LAEstab)."
        ),
        validators=[Optional()],
    )
    partial = BooleanField(lazy_gettext("Import the good rows even if some rows are rejected"))

    def validate_file(self, field: FileField) -> None:
        upload = field.data
        if upload is None or not getattr(upload, "filename", ""):
            raise ValidationError(lazy_gettext("Select a roll file"))
        if not upload.filename.lower().endswith((".csv", ".xml", ".ctf", ".txt")):
            raise ValidationError(
                lazy_gettext("The selected file must be a CSV or a CTF (.xml) file")
            )


class CalendarForm(FlaskForm):
    file = FileField(
        lazy_gettext("Term dates file (.ics or CSV)"),
        description=lazy_gettext(
            "The calendar your council or the school publishes: an iCalendar "
            "(.ics) file, or a CSV with the columns label,start_date,end_date."
        ),
    )
    setting_urn = StringField(
        lazy_gettext("URN of one setting (optional)"),
        description=lazy_gettext(
            "Leave blank for the council's calendar, which its schools follow. "
            "Give a URN for a setting's own term dates."
        ),
        validators=[Optional()],
    )
    la_code = StringField(lazy_gettext("Council LA code"), validators=[Optional()])

    def validate_file(self, field: FileField) -> None:
        upload = field.data
        if upload is None or not getattr(upload, "filename", ""):
            raise ValidationError(lazy_gettext("Select a term dates file"))
        if not upload.filename.lower().endswith((".ics", ".csv", ".ical", ".txt")):
            raise ValidationError(lazy_gettext("The selected file must be an .ics or a CSV file"))


# A Key Adult's language, asked when they are added: "" is "not asked yet".
KEY_ADULT_LANGUAGES = {"cy": "Cymraeg", "en": "English", "": lazy_gettext("Not asked yet")}
# A setting's message language: what its Key Adults who have not chosen get.
MESSAGE_LANGUAGES = {
    "bilingual": lazy_gettext("Welsh and English (Welsh first)"),
    "cy": lazy_gettext("Welsh only"),
    "en": lazy_gettext("English only"),
}


class KeyAdultForm(FlaskForm):
    role = RadioField(
        lazy_gettext("Role"),
        choices=_translated(SETTING_ROLES),
        validators=[DataRequired(lazy_gettext("Select the Key Adult's role"))],
    )
    name = StringField(
        lazy_gettext("Full name"),
        validators=[DataRequired(lazy_gettext("Enter the Key Adult's full name"))],
    )
    email = StringField(
        lazy_gettext("Email address"),
        description=lazy_gettext("Their own work address, not a shared office inbox"),
        validators=[DataRequired(lazy_gettext("Enter the Key Adult's email address"))],
    )
    phone = StringField(
        lazy_gettext("Mobile number"),
        description=lazy_gettext(
            "Alerts are sent by text message. For example, %(example)s", example=MOBILE_EXAMPLE
        ),
    )
    language = RadioField(
        lazy_gettext("Language of their messages (optional)"),
        description=lazy_gettext(
            "Ask them: Welsh or English. Until they say, they get the setting's message language."
        ),
        choices=choices(KEY_ADULT_LANGUAGES.items()),
        default="",
        validators=[Optional()],
    )


class MessageLanguageForm(FlaskForm):
    message_language = RadioField(
        lazy_gettext("Language of messages to this setting's Key Adults"),
        description=lazy_gettext(
            "For Key Adults who have not chosen a language themselves. A Key Adult's own "
            "choice always comes first."
        ),
        choices=choices(MESSAGE_LANGUAGES.items()),
        validators=[DataRequired(lazy_gettext("Choose the language of the setting's messages"))],
    )


class VerifyForm(FlaskForm):
    code = StringField(
        lazy_gettext("Code from the text message"),
        description=lazy_gettext("Ask the Key Adult to read out the 6-digit code"),
        validators=[DataRequired(lazy_gettext("Enter the 6-digit code from the text message"))],
    )


class TrainingForm(FlaskForm):
    completed_on = DateParts(
        lazy_gettext("Date training was completed"),
        description=lazy_gettext("For example, 14 9 2026"),
    )
    expires_on = DateParts(
        lazy_gettext("Date training expires (optional)"),
        description=lazy_gettext("Leave blank for two years after it was completed"),
    )

    def validate_completed_on(self, field: DateParts) -> None:
        if field.data is None and not field.errors:
            raise ValidationError(lazy_gettext("Enter the date training was completed"))


def _hh_mm(form: Form, field: StringField) -> None:
    match = re.fullmatch(r"(\d{1,2})[:.](\d{2})", (field.data or "").strip())
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        raise ValidationError(lazy_gettext("Enter the time as hours and minutes, like 08:45"))
    field.data = f"{int(match[1]):02d}:{match[2]}"


class SchoolDayForm(FlaskForm):
    school_day_start = StringField(
        lazy_gettext("Start of the school day"),
        description=lazy_gettext(
            "24-hour clock, for example 08:45. Leave blank to use the council's default."
        ),
        validators=[Optional(), _hh_mm],
    )


class RemoveForm(FlaskForm):
    """Only a CSRF token: the POST itself is the request."""
