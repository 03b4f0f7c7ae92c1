"""A notice's errors in plain English, naming the child or adult they are about.

The API's 422 and the control room's form say the same words: "Child 2: enter a date of
birth", never a validator's text ("String should match pattern ..."). Each message is
built from the field (what it is called, what it must hold) and the kind of error.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext
from pydantic import ValidationError
from pydantic_core import ErrorDetails

# What each field is called, as the person at the form knows it (last part of its path).
LABELS = {
    "police_reference": lazy_gettext("the police reference"),
    "occurred_at": lazy_gettext("the date and time of the incident"),
    "location_postcode": lazy_gettext("the postcode where the incident happened"),
    "circumstances": lazy_gettext("the circumstances"),
    "risk_level": lazy_gettext("the risk level"),
    "officer.name": lazy_gettext("the officer's name"),
    "officer.collar_number": lazy_gettext("the collar number"),
    "officer.contact_phone": lazy_gettext("the officer's contact phone number"),
    "given_name": lazy_gettext("a first name"),
    "family_name": lazy_gettext("a last name"),
    "date_of_birth": lazy_gettext("a date of birth"),
    "age_years": lazy_gettext("the child's age in years"),
    "expected_date": lazy_gettext("an expected date of birth"),
    "unborn": lazy_gettext("whether the child is unborn"),
    "postcode": lazy_gettext("a postcode"),
    "address": lazy_gettext("an address"),
    "present": lazy_gettext("whether the child was present"),
    "where": lazy_gettext("where the child was"),
    "spoken_to": lazy_gettext("whether the child was spoken to"),
    "voice_of_child": lazy_gettext("what the child said or how they presented"),
    "other_adult_present": lazy_gettext("whether another adult was with the child"),
    "setting_urn": lazy_gettext("the setting URN"),
    "role": lazy_gettext("the adult's role in the incident"),
    "relationship_to_children": lazy_gettext("who this adult is to the children"),
    "children": lazy_gettext("children"),
    "adults": lazy_gettext("adults"),
    "add_children": lazy_gettext("children to add"),
    "correct_children": lazy_gettext("children to correct"),
    "id": lazy_gettext("the child's id"),
}
# Choices, said the way the form says them ("select"), not "enter".
CHOICES = {
    "risk_level": lazy_gettext("Select the risk level: standard, medium or high"),
    "role": lazy_gettext("Select the adult's role in the incident: victim, suspect or other"),
    "present": lazy_gettext("Select whether the child was present"),
    "spoken_to": lazy_gettext("Select whether the child was spoken to"),
    "other_adult_present": lazy_gettext("Select whether another adult was with the child"),
    "unborn": lazy_gettext("Say whether the child is unborn"),
}
FORMATS = {
    "police_reference": lazy_gettext(
        "The police reference must start with a letter or number and use "
        "only letters, numbers and / _ . : -"
    ),
    "date_of_birth": lazy_gettext("The date of birth must be a real date, like 2019-04-03"),
    "expected_date": lazy_gettext(
        "The expected date of birth must be a real date, like 2027-06-14"
    ),
    "occurred_at": lazy_gettext(
        "The date and time of the incident must be like 2026-11-22T21:40:00+00:00"
    ),
}
# A check of these fields given nothing says "Enter ..." (a date of birth left out says
# more: the child may be unborn).
EMPTY_MEANS_MISSING = frozenset(
    {"given_name", "family_name", "location_postcode", "officer.contact_phone", "postcode"}
)
# Whole parts of the notice left out.
MISSING = {
    "officer": lazy_gettext("Enter the officer's name and contact phone number"),
    "children": lazy_gettext("Add at least one child"),
    "adults": lazy_gettext("Add at least one adult"),
}
PEOPLE = {
    "children": lazy_gettext("Child %(number)d"),
    "adults": lazy_gettext("Adult %(number)d"),
    "add_children": lazy_gettext("New child %(number)d"),
    "correct_children": lazy_gettext("Corrected child %(number)d"),
}

Who = Callable[[str, int], str]


def _who(group: str, index: int) -> str:
    return str(PEOPLE[group]) % {"number": index + 1}


def _field(loc: Sequence[int | str]) -> str:
    """The field's name: 'officer.name', or a person's 'date_of_birth'."""
    names = [str(p) for p in loc if not isinstance(p, int)]
    if len(names) >= 2 and names[0] in PEOPLE:
        return names[-1]
    return ".".join(names) or "body"


def _label(name: str) -> str:
    return str(LABELS.get(name, name.replace("_", " ")))


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def plain_message(err: ErrorDetails) -> str:
    """The error on its own, in words for a person: 'Enter a date of birth'."""
    name = _field(err["loc"])
    kind = err["type"]
    ctx: dict[str, Any] = dict(err.get("ctx") or {})
    label = _label(name)
    empty = err.get("input") in ("", None)
    if kind == "value_error" and not (empty and name in EMPTY_MEANS_MISSING):
        return _sentence(str(err["msg"]).removeprefix("Value error, "))
    if kind == "extra_forbidden":
        return _("Unknown field")
    if kind in ("missing", "string_too_short", "value_error") or (
        kind in ("string_type", "none_required") and empty
    ):
        if name in CHOICES:
            return str(CHOICES[name])
        return str(MISSING.get(name) or _("Enter %(label)s", label=label))
    if kind == "too_short":
        return str(MISSING.get(name) or _("Add at least one of %(label)s", label=label))
    if kind == "too_long":
        return _(
            "A notice can have at most %(max)s %(label)s",
            max=ctx.get("max_length", 20),
            label=label,
        )
    if kind == "string_too_long":
        return _sentence(
            _(
                "%(label)s must be %(max)s characters or fewer",
                label=label,
                max=ctx.get("max_length"),
            )
        )
    if kind == "literal_error" or kind.startswith("bool"):
        if name in CHOICES:
            return str(CHOICES[name])
        return _sentence(
            _(
                "%(label)s must be one of %(expected)s",
                label=label,
                expected=ctx.get("expected", ""),
            )
        )
    if name in FORMATS and (kind.startswith(("date", "datetime", "string_pattern"))):
        return str(FORMATS[name])
    if kind.startswith(("date", "datetime")):
        return _sentence(_("%(label)s must be a real date", label=label))
    if kind in ("greater_than_equal", "less_than_equal") and name == "age_years":
        return _("The age must be a whole number of years, from 0 to 17")
    if kind.startswith(("int", "float")):
        return _sentence(_("%(label)s must be a whole number", label=label))
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return _sentence(_("%(label)s must be a JSON object", label=label))
    if kind == "list_type":
        return _sentence(_("%(label)s must be a list", label=label))
    if kind.startswith("string"):
        return _sentence(_("%(label)s must be text", label=label))
    return _sentence(_("check %(label)s", label=label))


def person(loc: Sequence[int | str], who: Who = _who) -> str | None:
    """'Child 2' for an error about the second child; None for the notice's own fields."""
    if len(loc) >= 2 and str(loc[0]) in PEOPLE and isinstance(loc[1], int):
        return who(str(loc[0]), loc[1])
    return None


def worded(err: ErrorDetails, who: Who = _who) -> str:
    """'Child 2: enter a date of birth', or 'Enter the police reference'."""
    message = plain_message(err)
    named = person(err["loc"], who)
    if named is None or err["type"] == "extra_forbidden":  # the key says where
        return message
    return f"{named}: {message[:1].lower()}{message[1:]}"


def with_person(named: str, message: str) -> str:
    """A message the form found itself, named like the schema's: 'Child 2: ...'."""
    if message.startswith(f"{named}: "):
        return message
    return f"{named}: {message[:1].lower()}{message[1:]}"


def field_errors(exc: ValidationError, who: Who = _who) -> dict[str, list[str]]:
    """The errors as {"children.1.date_of_birth": ["Child 2: enter a date of birth"]}."""
    errors: dict[str, list[str]] = {}
    for err in exc.errors():
        loc = ".".join(str(p) for p in err["loc"]) or "body"
        message = worded(err, who)
        if message not in errors.get(loc, []):
            errors.setdefault(loc, []).append(message)
    return errors
