"""Who to tell: the one place that looks up the Key Adults a message goes to.

Active Key Adults by setting and role, a council's coordinators and their deputies.
`Recipients` reads them once (a query each) for all the settings a request or a worker's
pass deals with.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from sqlmodel import Session, col, select

from encompass.models import KeyAdult, Setting


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
        for adult in self.session.exec(
            select(KeyAdult)
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
        for adult in self.session.exec(
            select(KeyAdult)
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
