"""The language of each page: Flask-Babel, fed from our catalogue, and the Cymraeg / English
switch on every page.

A page is in the language the reader last chose: `?lang=cy` or `?lang=en` (the switch's
link, which keeps the page: the same address with `lang` changed), remembered in a cookie
and, for a signed-in person, on their account, where their messages follow it too. Before
anyone chooses: a signed-in person's account, else the browser's Accept-Language (the
police API's field errors come in Welsh with `Accept-Language: cy`), else English.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, g, has_request_context, request, url_for
from flask_babel import Babel, Domain, get_locale
from flask_login import current_user

from encompass.language import LANGUAGES, catalogue

COOKIE = "lang"
COOKIE_MAX_AGE = 365 * 24 * 3600
# <html lang>: BCP 47, as GOV.UK pages give it.
HTML_LANG = {"cy": "cy", "en": "en-GB"}
# The switch names the other language in that language, as GOV.UK's pages do.
SWITCH_LABEL = {"cy": "Cymraeg", "en": "English"}


class _Catalogue(Domain):
    """Flask-Babel's domain, with translations from `encompass.language.catalogue`."""

    def get_translations(self) -> Any:
        return catalogue(str(get_locale() or "en"))


_DOMAIN = _Catalogue()


class _Babel(Babel):
    @property
    def domain_instance(self) -> Domain:
        return _DOMAIN


def init_app(app: Flask) -> None:
    _Babel(app, locale_selector=current_language, default_timezone="Europe/London")
    app.before_request(_take_the_choice)
    app.after_request(_remember_the_choice)
    app.add_template_global(language_switch)
    app.add_template_global(html_lang)
    app.add_template_global(current_language)


def _asked() -> str | None:
    asked = request.args.get("lang")
    return asked if asked in LANGUAGES else None


def language_without_account() -> str:
    """The language asked for, remembered in the cookie or the browser's, reading nothing
    from the database (for the page that says the database is away)."""
    language = _asked() or request.cookies.get(COOKIE)
    if language in LANGUAGES:
        return str(language)
    return request.accept_languages.best_match(LANGUAGES, default="en") or "en"


def current_language() -> str:
    """'cy' or 'en' for this request."""
    chosen = getattr(g, "language", None)
    if chosen:
        return str(chosen)
    if not has_request_context():
        # A command or the worker (an app context, no request): services that raise
        # translated errors speak English there.
        return "en"
    language = _asked()
    if language is None and current_user and current_user.is_authenticated:
        stored = getattr(current_user, "language", None)
        language = stored if stored in LANGUAGES else None
    if language is None:
        cookie = request.cookies.get(COOKIE)
        language = cookie if cookie in LANGUAGES else None
    if language is None:
        language = request.accept_languages.best_match(LANGUAGES, default="en") or "en"
    g.language = language
    return language


def _take_the_choice() -> None:
    """A signed-in person who switches keeps the choice on their account: their pages and
    their messages follow it from then on (committed with the request)."""
    asked = _asked()
    signed_in = bool(current_user and current_user.is_authenticated)
    if asked and signed_in and getattr(current_user, "language", None) != asked:
        from encompass.auth.users import choose_language

        choose_language(g.db, current_user.id, asked)


def _remember_the_choice(response: Response) -> Response:
    asked = _asked()
    if asked and request.cookies.get(COOKIE) != asked:
        response.set_cookie(
            COOKIE,
            asked,
            max_age=COOKIE_MAX_AGE,
            secure=request.is_secure,
            httponly=True,
            samesite="Lax",
        )
    return response


def html_lang() -> str:
    return HTML_LANG[current_language()]


def language_switch() -> dict[str, str]:
    """The link to this page in the other language: its label, address and language."""
    other = "en" if current_language() == "cy" else "cy"
    args: dict[str, Any] = request.args.to_dict(flat=False)
    args["lang"] = [other]
    if request.endpoint and request.url_rule is not None and request.method == "GET":
        href = url_for(request.endpoint, **{**(request.view_args or {}), **args})
    else:
        # A page answered to a POST (a form with errors) or with no route (404): the same
        # address; encompass.js carries what was typed in its forms across.
        from urllib.parse import urlencode

        href = f"{request.path}?{urlencode(args, doseq=True)}"
    return {"code": other, "label": SWITCH_LABEL[other], "href": href}
