"""Who to tell: the one place that looks up the Key Adults a message goes to.

Active Key Adults by setting and role, a council's coordinators and their deputies.
`Recipients` reads them once (a query each) for all the settings a request or a worker's
pass deals with.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from sqlmodel import Session, col, select

from encompass.language.choice import message_languages, welsh_council
from encompass.models import KeyAdult, Setting, User

Languages = tuple[str, ...]


def languages_for(
    adult: KeyAdult, setting: Setting | None, account_language: str | None = None
) -> Languages:
    """The languages of a message to this Key Adult, first language first: their own
    choice, else their account's, else their setting's; a council's coordinator (no
    setting) gets bilingual messages from a Welsh council, English from any other."""
    person = adult.language or account_language
    if adult.setting_id is None or setting is None:
        nation = "wales" if welsh_council(adult.la_code) else None
        return message_languages(person, nation)
    return message_languages(person, setting.nation, setting.message_language)


def languages_of(session: Session, adult: KeyAdult, setting: Setting | None) -> Languages:
    """languages_for, reading the account's language when the Key Adult has not chosen."""
    account = None
    if adult.language is None and adult.user_id is not None:
        account = session.exec(select(User.language).where(User.id == adult.user_id)).first()
    return languages_for(adult, setting, account)


def coordinators(session: Session, la_code: str) -> list[KeyAdult]:
    """The council's coordinators (Key Adults of no setting)."""
    return Recipients(session).coordinators(la_code)


def coordinator_deputies(session: Session, la_code: str) -> list[KeyAdult]:
    """The council's coordinator deputies, told when a review item waits too long."""
    return list(
        session.exec(
            select(KeyAdult)
            .where(
                KeyAdult.la_code == la_code,
                KeyAdult.role == "coordinator_deputy",
                col(KeyAdult.active).is_(True),
            )
            .order_by(col(KeyAdult.id))
        )
    )


class Recipients:
    """Active Key Adults by setting and role, and council coordinators by council: read once
    (a query each) for all the settings a pass deals with."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._by_setting: dict[int, dict[str, list[KeyAdult]]] = {}
        self._coordinators: dict[str, list[KeyAdult]] = {}
        # Each Key Adult's account language (by Key Adult id), read with them.
        self._account_language: dict[int, str | None] = {}

    def load(self, settings: Iterable[Setting]) -> Recipients:
        settings = list(settings)
        # Council coordinators are read when first asked for: most alerts never need them.
        self._load_settings({s.id for s in settings if s.id is not None})
        return self

    def _load_settings(self, wanted: set[int]) -> None:
        ids = sorted(wanted - self._by_setting.keys())
        if not ids:
            return
        found: dict[int, dict[str, list[KeyAdult]]] = {i: defaultdict(list) for i in ids}
        for adult in self._with_accounts(
            select(KeyAdult, User.language)
            .outerjoin(User, col(User.id) == col(KeyAdult.user_id))
            .where(col(KeyAdult.setting_id).in_(ids), col(KeyAdult.active).is_(True))
            .order_by(col(KeyAdult.id))
        ):
            assert adult.setting_id is not None
            found[adult.setting_id][adult.role].append(adult)
        self._by_setting.update(found)

    def _load_councils(self, wanted: set[str]) -> None:
        councils = sorted(wanted - self._coordinators.keys())
        if not councils:
            return
        found: dict[str, list[KeyAdult]] = {la: [] for la in councils}
        for adult in self._with_accounts(
            select(KeyAdult, User.language)
            .outerjoin(User, col(User.id) == col(KeyAdult.user_id))
            .where(
                col(KeyAdult.la_code).in_(councils),
                KeyAdult.role == "coordinator",
                col(KeyAdult.setting_id).is_(None),
                col(KeyAdult.active).is_(True),
            )
            .order_by(col(KeyAdult.id))
        ):
            assert adult.la_code is not None
            found[adult.la_code].append(adult)
        self._coordinators.update(found)

    def _with_accounts(self, query: Any) -> list[KeyAdult]:
        adults = []
        for adult, account_language in self.session.exec(query):
            assert adult.id is not None
            self._account_language[adult.id] = account_language
            adults.append(adult)
        return adults

    def languages(self, adult: KeyAdult, setting: Setting | None) -> Languages:
        """The languages of a message to this Key Adult (read with them): see languages_for."""
        account = self._account_language.get(adult.id) if adult.id is not None else None
        return languages_for(adult, setting, account)

    def coordinators(self, la_code: str) -> list[KeyAdult]:
        self._load_councils({la_code})
        return list(self._coordinators[la_code])

    def in_role(self, setting: Setting, role: str) -> list[KeyAdult]:
        if role == "coordinator":
            return self.coordinators(setting.la_code)
        assert setting.id is not None
        self._load_settings({setting.id})
        return list(self._by_setting[setting.id].get(role, []))

    def holiday_cover(self, setting: Setting) -> list[KeyAdult]:
        return self.in_role(setting, "holiday_cover") or self.coordinators(setting.la_code)
