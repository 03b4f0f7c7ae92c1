"""WTForms fields as GOV.UK Frontend macro parameters, and the fields GOV.UK forms need.

Templates call e.g. `govukInput(gov(form.email, autocomplete="email"))`: the label, hint
(the field's description), value and first error come from the field, so every error in
the summary links to the input it is about (`#<field id>`; a date's day box).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from flask import Flask
from flask_babel import gettext, lazy_gettext
from flask_babel import gettext as _
from wtforms import Field, FieldList, FormField, RadioField
from wtforms.fields import SelectChoice
from wtforms.form import BaseForm
from wtforms.validators import Optional


def language_field() -> Any:
    """The question each person answers once, at first sign-in, and can change on their
    account page: each language named in itself, as GOV.UK names them."""
    return RadioField(
        lazy_gettext("Which language do you want Operation Encompass in?"),
        choices=[
            SelectChoice("cy", "Cymraeg", render_kw={"lang": "cy"}),
            SelectChoice("en", "English", render_kw={"lang": "en"}),
        ],
        validators=[Optional()],
    )


def choices(pairs: Any) -> list[SelectChoice]:
    """(value, label) pairs as WTForms options."""
    return [SelectChoice(value, label) for value, label in pairs]


YES_NO = choices([("yes", lazy_gettext("Yes")), ("no", lazy_gettext("No"))])
# The boxes of a date input, named in the page's language.
DATE_PARTS = {
    "day": lazy_gettext("Day"),
    "month": lazy_gettext("Month"),
    "year": lazy_gettext("Year"),
}


class DateParts(Field):
    """A GOV.UK date input: day, month and year boxes posted as <name>-day, -month, -year."""

    data: date | None

    def __init__(self, label: str | None = None, validators: Any = None, **kwargs: Any) -> None:
        super().__init__(label, validators, **kwargs)
        self.parts = {"day": "", "month": "", "year": ""}
        self.invalid_message = gettext("%(label)s must be a real date", label=self.label.text)

    def process(
        self, formdata: Any, data: Any = None, extra_filters: Any = None, **_kwargs: Any
    ) -> None:
        self.process_errors = []
        self.data = data if isinstance(data, date) else None
        if self.data is not None:
            self.parts = {
                "day": str(self.data.day),
                "month": str(self.data.month),
                "year": str(self.data.year),
            }
        if formdata is None:
            return
        keys = [f"{self.name}-{part}" for part in self.parts]
        if not any(key in formdata for key in keys):
            return
        self.parts = {p: (formdata.get(f"{self.name}-{p}") or "").strip() for p in self.parts}
        self.data = None
        if not any(self.parts.values()):
            return
        try:
            self.data = date(
                int(self.parts["year"]), int(self.parts["month"]), int(self.parts["day"])
            )
        except ValueError:
            self.process_errors.append(self.invalid_message)
        else:
            if self.data.year < 1900:
                self.data = None
                self.process_errors.append(
                    gettext("%(label)s must have a 4-digit year, like 2019", label=self.label.text)
                )

    @property
    def is_empty(self) -> bool:
        return not any(self.parts.values())

    def _value(self) -> str:
        return self.data.isoformat() if self.data else ""


def add_error(field: Field, message: str) -> None:
    """Record an error found outside WTForms (the notice schema, a service) on a field."""
    errors = list(field.errors) if isinstance(field.errors, list | tuple) else []
    if message not in errors:
        errors.append(message)
    field.errors = errors


def leaf_fields(form: BaseForm) -> Iterator[Field]:
    """Every input field of a form, in page order, through FieldLists and FormFields."""
    for field in form:
        if isinstance(field, FieldList):
            for entry in field.entries:
                if isinstance(entry, FormField):
                    yield from leaf_fields(entry.form)
                else:
                    yield entry
        elif isinstance(field, FormField):
            yield from leaf_fields(field.form)
        elif field.type not in ("CSRFTokenField", "HiddenField", "SubmitField"):
            yield field


def anchor(field: Field) -> str:
    """The id of the element an error summary link should move focus to."""
    return f"{field.id}-day" if isinstance(field, DateParts) else str(field.id)


def error_summary(*forms: BaseForm | None) -> dict[str, Any] | None:
    """govukErrorSummary parameters for the forms' errors, or None when there are none."""
    items: list[dict[str, str]] = []
    for form in forms:
        if form is None:
            continue
        for message in getattr(form, "form_errors", []):
            items.append({"text": message})
        for field in leaf_fields(form):
            if field.errors:
                items.append({"text": str(field.errors[0]), "href": "#" + anchor(field)})
        csrf = getattr(form, "csrf_token", None)
        if csrf is not None and csrf.errors:
            items.append({"text": gettext("The page timed out: submit it again")})
    return {"titleText": gettext("There is a problem"), "errorList": items} if items else None


def has_errors(*forms: BaseForm | None) -> bool:
    return error_summary(*forms) is not None


def _merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def _error(field: Field) -> dict[str, str] | None:
    return {"text": str(field.errors[0])} if field.errors else None


def gov(field: Field, **extra: Any) -> dict[str, Any]:
    """Parameters for govukInput, govukTextarea, govukCharacterCount, govukFileUpload,
    govukPasswordInput and govukSelect."""
    params: dict[str, Any] = {
        "id": field.id,
        "name": field.name,
        "label": {"text": field.label.text},
        "errorMessage": _error(field),
    }
    if field.description:
        params["hint"] = {"text": str(field.description)}
    if field.type in ("SelectField",):
        params["items"] = [
            {"value": value, "text": label, "selected": value == field.data}
            for value, label, *_rest in field.iter_choices()
        ]
    elif field.type == "PasswordField":
        # govukPasswordInput's button and what it announces.
        params.update(
            showPasswordText=_("Show"),
            hidePasswordText=_("Hide"),
            showPasswordAriaLabelText=_("Show password"),
            hidePasswordAriaLabelText=_("Hide password"),
            passwordShownAnnouncementText=_("Your password is visible"),
            passwordHiddenAnnouncementText=_("Your password is hidden"),
        )
    elif field.type != "FileField":
        params["value"] = field._value() if field.type != "TextAreaField" else field.data or ""
    if field.type == "TextAreaField":
        # govukCharacterCount's texts (govukTextarea ignores them); %{count} is its own.
        params.update(
            textareaDescriptionText=_("You can enter up to %{count} characters"),
            charactersUnderLimitText={
                "one": _("You have %{count} character remaining"),
                "other": _("You have %{count} characters remaining"),
            },
            charactersAtLimitText=_("You have 0 characters remaining"),
            charactersOverLimitText={
                "one": _("You have %{count} character too many"),
                "other": _("You have %{count} characters too many"),
            },
        )
    return _merge(params, extra)


def gov_choices(field: Field, **extra: Any) -> dict[str, Any]:
    """Parameters for govukRadios (a RadioField) or govukCheckboxes (one BooleanField)."""
    legend = {"text": field.label.text, "classes": "govuk-fieldset__legend--s"}
    params: dict[str, Any] = {
        "idPrefix": field.id,
        "name": field.name,
        "fieldset": {"legend": legend},
        "errorMessage": _error(field),
    }
    if field.description:
        params["hint"] = {"text": str(field.description)}
    if isinstance(field, RadioField):
        params["items"] = [
            _radio(value, label, value == field.data, rest)
            for value, label, *rest in field.iter_choices()
        ]
    else:
        params["items"] = [{"value": "y", "text": field.label.text, "checked": bool(field.data)}]
        params["fieldset"] = None
    return _merge(params, extra)


def _radio(value: Any, label: Any, checked: bool, rest: list[Any]) -> dict[str, Any]:
    """One radio; a choice whose render_kw gives `lang` (a language's own name, "Cymraeg")
    has it on its label, so screen readers say it in that language."""
    item: dict[str, Any] = {"value": value, "text": str(label), "checked": checked}
    render_kw = rest[-1] if rest and isinstance(rest[-1], dict) else {}
    if render_kw.get("lang"):
        item["label"] = {"attributes": {"lang": render_kw["lang"]}}
    return item


def gov_date(field: DateParts, **extra: Any) -> dict[str, Any]:
    """Parameters for govukDateInput."""
    error_class = " govuk-input--error" if field.errors else ""
    params: dict[str, Any] = {
        "id": field.id,
        "namePrefix": field.name,
        "fieldset": {"legend": {"text": field.label.text, "classes": "govuk-fieldset__legend--s"}},
        "errorMessage": _error(field),
        "items": [
            {
                "name": part,
                "label": str(DATE_PARTS[part]),
                "value": field.parts[part],
                "classes": f"govuk-input--width-{4 if part == 'year' else 2}{error_class}",
                "inputmode": "numeric",
            }
            for part in ("day", "month", "year")
        ],
    }
    if field.description:
        params["hint"] = {"text": str(field.description)}
    return _merge(params, extra)


def init_app(app: Flask) -> None:
    app.add_template_global(gov)
    app.add_template_global(gov_choices)
    app.add_template_global(gov_date)
    app.add_template_global(error_summary)
    app.add_template_global(has_errors)
