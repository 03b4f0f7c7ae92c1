"""A notice's errors in plain English, naming the child or adult they are about.

The API's 422 and the control room's form say the same words: "Child 2: enter a date of
birth", never a validator's text ("String should match pattern ..."). Each message is
built from the field (what it is called, what it must hold) and the kind of error.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

# What each field is called, as the person at the form knows it (last part of its path).
LABELS = {
    "police_reference": "the police reference",
    "occurred_at": "the date and time of the incident",
    "location_postcode": "the postcode where the incident happened",
    "circumstances": "the circumstances",
    "risk_level": "the risk level",
    "officer.name": "the officer's name",
    "officer.collar_number": "the collar number",
    "officer.contact_phone": "the officer's contact phone number",
    "given_name": "a first name",
    "family_name": "a last name",
    "date_of_birth": "a date of birth",
    "age_years": "the child's age in years",
    "expected_date": "an expected date of birth",
    "unborn": "whether the child is unborn",
    "postcode": "a postcode",
    "address": "an address",
    "present": "whether the child was present",
    "where": "where the child was",
    "spoken_to": "whether the child was spoken to",
    "voice_of_child": "what the child said or how they presented",
    "other_adult_present": "whether another adult was with the child",
    "setting_urn": "the setting URN",
    "role": "the adult's role in the incident",
    "relationship_to_children": "who this adult is to the children",
    "children": "children",
    "adults": "adults",
    "add_children": "children to add",
    "correct_children": "children to correct",
    "id": "the child's id",
}
# Choices, said the way the form says them ("select"), not "enter".
CHOICES = {
    "risk_level": "Select the risk level: standard, medium or high",
    "role": "Select the adult's role in the incident: victim, suspect or other",
    "present": "Select whether the child was present",
    "spoken_to": "Select whether the child was spoken to",
    "other_adult_present": "Select whether another adult was with the child",
    "unborn": "Say whether the child is unborn",
}
FORMATS = {
    "police_reference": "The police reference must start with a letter or number and use "
    "only letters, numbers and / _ . : -",
    "date_of_birth": "The date of birth must be a real date, like 2019-04-03",
    "expected_date": "The expected date of birth must be a real date, like 2027-06-14",
    "occurred_at": "The date and time of the incident must be like 2026-11-22T21:40:00+00:00",
}
# A check of these fields given nothing says "Enter ..." (a date of birth left out says
# more: the child may be unborn).
EMPTY_MEANS_MISSING = frozenset(
    {"given_name", "family_name", "location_postcode", "officer.contact_phone", "postcode"}
)
# Whole parts of the notice left out.
MISSING = {
    "officer": "Enter the officer's name and contact phone number",
    "children": "Add at least one child",
    "adults": "Add at least one adult",
}
PEOPLE = {
    "children": "Child",
    "adults": "Adult",
    "add_children": "New child",
    "correct_children": "Corrected child",
}

Who = Callable[[str, int], str]


def _who(group: str, index: int) -> str:
    return f"{PEOPLE[group]} {index + 1}"


def _field(loc: Sequence[int | str]) -> str:
    """The field's name: 'officer.name', or a person's 'date_of_birth'."""
    names = [str(p) for p in loc if not isinstance(p, int)]
    if len(names) >= 2 and names[0] in PEOPLE:
        return names[-1]
    return ".".join(names) or "body"


def _label(name: str) -> str:
    return LABELS.get(name, name.replace("_", " "))


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
        return "Unknown field"
    if kind in ("missing", "string_too_short", "value_error") or (
        kind in ("string_type", "none_required") and empty
    ):
        if name in CHOICES:
            return CHOICES[name]
        return MISSING.get(name, f"Enter {label}")
    if kind == "too_short":
        return MISSING.get(name, f"Add at least one of {label}")
    if kind == "too_long":
        return f"A notice can have at most {ctx.get('max_length', 20)} {label}"
    if kind == "string_too_long":
        return _sentence(f"{label} must be {ctx.get('max_length')} characters or fewer")
    if kind == "literal_error" or kind.startswith("bool"):
        return CHOICES.get(name, _sentence(f"{label} must be one of {ctx.get('expected', '')}"))
    if name in FORMATS and (kind.startswith(("date", "datetime", "string_pattern"))):
        return FORMATS[name]
    if kind.startswith(("date", "datetime")):
        return _sentence(f"{label} must be a real date")
    if kind in ("greater_than_equal", "less_than_equal") and name == "age_years":
        return "The age must be a whole number of years, from 0 to 17"
    if kind.startswith(("int", "float")):
        return _sentence(f"{label} must be a whole number")
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return _sentence(f"{label} must be a JSON object")
    if kind == "list_type":
        return _sentence(f"{label} must be a list")
    if kind.startswith("string"):
        return _sentence(f"{label} must be text")
    return _sentence(f"check {label}")


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
