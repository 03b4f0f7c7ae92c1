"""Finding text in a template that gettext never sees: read with Jinja's own parser.

Text between tags (`<p>Sign in</p>`), the text attributes people read or hear (`alt`,
`title`, `aria-label`, `placeholder`), and string literals that read as words (`'text':
'Continue'` given to a GOV.UK macro, `{% set title = 'Sign in' %}`) must be inside
`_()`, `gettext`, `ngettext` or `{% trans %}`. Class names, ids, URLs, field names and
comparisons are not words to a reader, and are let through.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from pathlib import Path

from jinja2 import Environment, nodes

TEMPLATES = Path(__file__).resolve().parent.parent.parent / "templates"
GETTEXT = {"_", "gettext", "ngettext", "pgettext", "lazy_gettext"}
# Calls and filters whose string arguments are never shown as words.
NOT_WORDS_CALLS = {
    "url_for",
    "gov",
    "csp_nonce",
    "get_flashed_messages",
    "attr",
    "selectattr",
    "rejectattr",
    "map",
    "join",
    "replace",
    "format",
    "startswith",
    "endswith",
    "split",
    "get",
    "groupby",
    "sort",
    "items",
    "strftime",
}
TEXT_ATTRIBUTES = re.compile(r"""\b(alt|title|aria-label|placeholder)\s*=\s*"([^"]*)\"""")
TAG = re.compile(r"<[^>]*>", re.S)
HOLE = "\x00"
WORD = re.compile(r"[A-Za-z]{2,}")
# A literal that reads as words: a capitalised word, or several words with spaces; not a
# class list, an id, a path, a format or a field name.
PROSE = re.compile(
    r"^(?=.*[A-Za-z]{2})(?![^ ]*[-_/.=:%{}#@][^ ]*$)(?:[A-Z][a-z]|.*[A-Za-z]{2,} [A-Za-z]{2,})"
)
NOT_PROSE = re.compile(r"^[a-z0-9_.-]+$|govuk-|app-|^#|^/|://|^\W*$")


def _environment() -> Environment:
    return Environment(extensions=["jinja2.ext.i18n", "jinja2.ext.do"])


def _data_problems(text: str) -> Iterator[str]:
    for _attribute, value in TEXT_ATTRIBUTES.findall(text):
        if WORD.search(value):
            yield value.strip()
    words = html.unescape(TAG.sub(HOLE, re.sub(r"<!--.*?-->", " ", text, flags=re.S)))
    for piece in words.split(HOLE):
        piece = " ".join(piece.split())
        if WORD.search(piece):
            yield piece


def _literal_problem(value: str) -> bool:
    value = value.strip()
    return bool(value) and not NOT_PROSE.search(value) and bool(PROSE.search(value))


def _walk(node: nodes.Node, parent: nodes.Node | None, inside_gettext: bool) -> Iterator[str]:
    if isinstance(node, nodes.Call):
        name = (
            node.node.name
            if isinstance(node.node, nodes.Name)
            else (node.node.attr if isinstance(node.node, nodes.Getattr) else "")
        )
        if name in GETTEXT:
            inside_gettext = True
        elif name in NOT_WORDS_CALLS:
            return
    if isinstance(node, nodes.Filter) and node.name in NOT_WORDS_CALLS | {"default", "replace"}:
        # `x|default('')`: the default of a value, rarely words; still checks the value.
        if node.node is not None:
            yield from _walk(node.node, node, inside_gettext)
        return
    if isinstance(node, nodes.Output) and not inside_gettext:
        # The text between expressions, with each expression a hole: tags that hold an
        # expression (`<a href="{{ url }}">`) are still whole tags.
        joined = "".join(
            child.data if isinstance(child, nodes.TemplateData) else HOLE for child in node.nodes
        )
        yield from _data_problems(joined)
        for child in node.nodes:
            if not isinstance(child, nodes.TemplateData):
                yield from _walk(child, node, inside_gettext)
        return
    words_here = not isinstance(parent, (nodes.Compare, nodes.Operand, nodes.Getitem, nodes.Test))
    literal = isinstance(node, nodes.Const) and isinstance(node.value, str) and not inside_gettext
    if literal and words_here and _literal_problem(node.value):
        yield node.value
    if isinstance(node, nodes.Pair):
        # A dict key is a name, its value may be words.
        yield from _walk(node.value, node, inside_gettext)
        return
    if isinstance(node, nodes.Getitem):
        yield from _walk(node.node, node, inside_gettext)
        return
    for child in node.iter_child_nodes():
        yield from _walk(child, node, inside_gettext)


def untranslated(path: Path) -> list[str]:
    """The texts in one template a reader would see in English whatever the language."""
    tree = _environment().parse(path.read_text(encoding="utf-8"))
    return list(_walk(tree, None, False))


def templates() -> list[Path]:
    return sorted(TEMPLATES.rglob("*.html"))
