"""A review item's status: open until a coordinator (or a later roll import, or the
police's correction) decides it; `resolved` is final.

    open -> resolved
"""

from __future__ import annotations

from enum import StrEnum

from encompass.lifecycles import Lifecycle
from encompass.models import ReviewItem


class ReviewStatus(StrEnum):
    OPEN = "open"
    RESOLVED = "resolved"


REVIEW = Lifecycle(
    ReviewItem,
    "status",
    ReviewStatus.OPEN,
    {ReviewStatus.OPEN: (ReviewStatus.RESOLVED,), ReviewStatus.RESOLVED: ()},
)
STATUSES = tuple(ReviewStatus)
