"""Welsh and English: the message catalogues, who reads which language, and SMS parts.

Every text a person reads is an English message id in the code or a template, marked for
gettext (`_()`, `gettext`, `ngettext`, `{% trans %}`), and its Welsh translation lives in
the catalogue `encompass/translations/cy/LC_MESSAGES/messages.po` (a translator's file:
Poedit, Weblate or any PO editor reads it). The catalogue is compiled in memory when the
process first needs it, so an edited `.po` needs no build step.

Pages follow the reader's choice (`encompass.web.language`); messages (SMS, e-mail,
voice) follow the recipient's and the setting's (`choice.message_languages`), built with
`catalogue(locale)` because a worker has no request to take a language from.
"""

from encompass.language.catalogue import LANGUAGES, catalogue, catalogue_path

__all__ = ["LANGUAGES", "catalogue", "catalogue_path"]
