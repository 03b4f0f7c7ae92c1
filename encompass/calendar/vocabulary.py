"""What a calendar event's name says about the day: the words councils and schools use.

`classify(summary)` gives one of:
- "inset": a day the school is shut to pupils for staff (INSET, training, staff
  development, PD, disaggregated day);
- "holiday": any other closure (holiday, half term, break, closure, closed, bank holiday);
- "starts" / "ends": a marker for the first or the last day of a term ("First day back",
  "Last day of term"), both open days;
- "term": a term, or one day of term ("Autumn term 1", "Term day", "Day 12 (Week 3)");
- "": anything else (parents' evening, sports day), which says nothing about opening.

Matching ignores case and punctuation. A staff-only day wins over a marker ("INSET day -
first day of term" is shut to pupils), a marker over a closure ("First day back after half
term" is open) and a closure over a term ("Summer term holiday").
"""

from __future__ import annotations

import re

CLOSED_KINDS = ("holiday", "inset")

_INSET = re.compile(
    r"\b(inset|training|staff development|professional development|pd|"
    r"disaggregated|non[ -]pupil|teacher day|teachers day|staff day|in ?service)\b"
)
_STARTS = re.compile(
    r"\b(first day (back|of (the )?(term|school|autumn|spring|summer))|"
    r"(start|beginning) of (the )?(term|school year|autumn|spring|summer)|"
    r"(term|school) (starts|begins|opens|reopens)|"
    r"(pupils|students|children) (return|start|back)|back to school|school reopens)\b"
)
_ENDS = re.compile(
    r"\b(last day (of |before )?(the )?(term|school|half term|holiday|autumn|spring|summer)|"
    r"end of (the )?(term|school year|autumn|spring|summer)|(term|school) (ends|finishes)|"
    r"breaks? up|school closes)\b"
)
_HOLIDAY = re.compile(
    r"\b(holidays?|half ?terms?|break|closures?|closed|shut|bank hols?|"
    r"christmas day|boxing day|new year'?s day|good friday|easter monday|may day|"
    r"vacation|recess|no school|occasional day|snow day)\b"
)
_TERM = re.compile(
    r"\b(terms?|term day|school day|day \d+|"
    r"(autumn|spring|summer|michaelmas|lent|trinity|easter) (term|half|[123])|"
    r"(autumn|spring|summer)[123])\b"
)


def _normal(summary: str) -> str:
    text = summary.lower().replace("\u2019", "'")
    text = re.sub(r"[^a-z0-9']+", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def classify(summary: str) -> str:
    text = _normal(summary)
    if _INSET.search(text):
        return "inset"
    if _STARTS.search(text):
        return "starts"
    if _ENDS.search(text):
        return "ends"
    if _HOLIDAY.search(text):
        return "holiday"
    if _TERM.search(text):
        return "term"
    return ""
