"""The matcher's reasons and evidence, in the review page's language.

The matcher (encompass/matching) words its reasons and evidence in English, and the review
item keeps them as they were (its record of why). They are put in the page's language
here, at display: a known sentence is translated whole, a line of evidence part by part
("Date of birth: one day out (4.2 times likelier to be this pupil)"); what is not known
is shown as it was kept.
"""

from __future__ import annotations

import re

from flask_babel import gettext as _
from flask_babel import lazy_gettext

REASONS = {
    "not found on any roll": lazy_gettext("not found on any roll"),
    "on the council's home education register": lazy_gettext(
        "on the council's home education register"
    ),
    "unborn child: goes to the fallback team": lazy_gettext(
        "unborn child: goes to the fallback team"
    ),
    "closest pupil found has a different postcode and differs in name or date of birth": (
        lazy_gettext(
            "closest pupil found has a different postcode and differs in name or date of birth"
        )
    ),
    "closest pupil found differs in name or date of birth": lazy_gettext(
        "closest pupil found differs in name or date of birth"
    ),
    "closest pupil found has a different postcode, and the name is not rare enough": (
        lazy_gettext(
            "closest pupil found has a different postcode, and the name is not rare enough"
        )
    ),
    "closest pupil found is not certain enough for an automatic match": lazy_gettext(
        "closest pupil found is not certain enough for an automatic match"
    ),
    "a pupil with the same name and date of birth is at another setting": lazy_gettext(
        "a pupil with the same name and date of birth is at another setting"
    ),
    "pupils at different settings are too close to tell apart": lazy_gettext(
        "pupils at different settings are too close to tell apart"
    ),
    "too many pupils alike to compare them all": lazy_gettext(
        "too many pupils alike to compare them all"
    ),
    "strong match, well ahead of any other pupil": lazy_gettext(
        "strong match, well ahead of any other pupil"
    ),
    "pupils too close to tell apart, all at the same setting": lazy_gettext(
        "pupils too close to tell apart, all at the same setting"
    ),
    "chosen in review": lazy_gettext("chosen in review"),
    "not on any roll (review): the fallback team": lazy_gettext(
        "not on any roll (review): the fallback team"
    ),
    "setting chosen in review": lazy_gettext("setting chosen in review"),
}
ROLL_IMPORT = "matched after a roll import: "

FIELDS = {
    "Given name": lazy_gettext("Given name"),
    "Surname": lazy_gettext("Surname"),
    "Name order": lazy_gettext("Name order"),
    "Date of birth": lazy_gettext("Date of birth"),
    "Age": lazy_gettext("Age"),
    "Postcode": lazy_gettext("Postcode"),
    "Address": lazy_gettext("Address"),
    "Officer's setting": lazy_gettext("Officer's setting"),
    "Another child on the notice": lazy_gettext("Another child on the notice"),
    "Brother or sister": lazy_gettext("Brother or sister"),
    "Full name": lazy_gettext("Full name"),
}
NOTES = {
    "agrees": lazy_gettext("agrees"),
    "different": lazy_gettext("different"),
    "not given": lazy_gettext("not given"),
    "day and month swapped": lazy_gettext("day and month swapped"),
    "one day out": lazy_gettext("one day out"),
    "two digits transposed": lazy_gettext("two digits transposed"),
    "one digit different": lazy_gettext("one digit different"),
    "same sector (neighbouring streets)": lazy_gettext("same sector (neighbouring streets)"),
    "one character mistyped or two swapped": lazy_gettext("one character mistyped or two swapped"),
    "same district": lazy_gettext("same district"),
    "another district in the same area": lazy_gettext("another district in the same area"),
    "same house": lazy_gettext("same house"),
    "another house in the same street": lazy_gettext("another house in the same street"),
    "the age given agrees": lazy_gettext("the age given agrees"),
    "a year from the age given": lazy_gettext("a year from the age given"),
    "not the age given": lazy_gettext("not the age given"),
    "first names agree, other given names differ": lazy_gettext(
        "first names agree, other given names differ"
    ),
    "only an initial given, and it agrees": lazy_gettext("only an initial given, and it agrees"),
    "different initial": lazy_gettext("different initial"),
    "known by a middle name": lazy_gettext("known by a middle name"),
    "a spelling or typing slip": lazy_gettext("a spelling or typing slip"),
    "Mc and Mac": lazy_gettext("Mc and Mac"),
    "one part of a double-barrelled surname": lazy_gettext(
        "one part of a double-barrelled surname"
    ),
    "given name and surname swapped": lazy_gettext("given name and surname swapped"),
    "the setting named": lazy_gettext("the setting named"),
    "another setting named": lazy_gettext("another setting named"),
    "another pupil has exactly the name given": lazy_gettext(
        "another pupil has exactly the name given"
    ),
    "another child on this notice has this pupil's names and date of birth": lazy_gettext(
        "another child on this notice has this pupil's names and date of birth"
    ),
    "a brother or sister on the same notice lives there": lazy_gettext(
        "a brother or sister on the same notice lives there"
    ),
    "the brother or sister on the notice is not on the roll there": lazy_gettext(
        "the brother or sister on the notice is not on the roll there"
    ),
    "no other pupil on the rolls has both names": lazy_gettext(
        "no other pupil on the rolls has both names"
    ),
}
EVIDENCE = re.compile(r"(?P<field>[^:]+): (?P<note>.*) \((?P<likelihood>[^()]*)\)")
LIKELIHOOD = re.compile(r"(?P<factor>[\d,.]+) times (?P<way>likelier|less likely) to be this pupil")
NICKNAME = re.compile(r"(?P<short>\S+) is a form of (?P<long>\S+)")
SIMILAR = re.compile(r"similar \((?P<score>[\d.]+)\) but not the same")
NONE_OF = re.compile(
    r"none of the (?P<num>\d+) brothers and sisters on the notice is on the roll there"
)
OTHERS = re.compile(r"(?P<num>\d+) other pupils? on the rolls have both names")


def reason_text(reason: str | None) -> str:
    """A review item's reason in the page's language (as kept, if not a known one)."""
    if not reason:
        return ""
    if reason.startswith(ROLL_IMPORT):
        return _(
            "matched after a roll import: %(reason)s",
            reason=reason_text(reason[len(ROLL_IMPORT) :]),
        )
    return str(REASONS.get(reason, reason))


def _note(note: str) -> str:
    if note in NOTES:
        return str(NOTES[note])
    if found := NICKNAME.fullmatch(note):
        return _("%(short)s is a form of %(long)s", short=found["short"], long=found["long"])
    if found := SIMILAR.fullmatch(note):
        return _("similar (%(score)s) but not the same", score=found["score"])
    if found := NONE_OF.fullmatch(note):
        return _(
            "none of the %(num)s brothers and sisters on the notice is on the roll there",
            num=found["num"],
        )
    if found := OTHERS.fullmatch(note):
        return _("%(num)s other pupils on the rolls have both names", num=found["num"])
    return note


def _likelihood(text: str) -> str:
    if text == "tells little either way":
        return _("tells little either way")
    found = LIKELIHOOD.fullmatch(text)
    if found is None:
        return text
    if found["way"] == "likelier":
        return _("%(factor)s times likelier to be this pupil", factor=found["factor"])
    return _("%(factor)s times less likely to be this pupil", factor=found["factor"])


def evidence_text(line: str) -> str:
    """One line of evidence ("Surname: agrees (12 times likelier to be this pupil)") in the
    page's language."""
    found = EVIDENCE.fullmatch(line)
    if found is None:
        return line
    field = str(FIELDS.get(found["field"], found["field"]))
    return _(
        "%(field)s: %(note)s (%(likelihood)s)",
        field=field,
        note=_note(found["note"]),
        likelihood=_likelihood(found["likelihood"]),
    )
