"""The texts review-queue messages carry: a link, never a child's details."""

from __future__ import annotations


def review_sms(link: str) -> str:
    return (
        "Operation Encompass: a child on a police notice needs matching to a school. "
        f"Sign in to review: {link}"
    )


def review_email(link: str) -> tuple[str, str]:
    subject = "Operation Encompass: a child is waiting in the review queue"
    body = (
        "The service could not tell for certain which school or setting a child on a police "
        "notice attends. Until someone decides, no Key Adult has been told.\n\n"
        f"Sign in to see the candidates and decide:\n{link}\n\n"
        "The details are only shown after you sign in, and every view is recorded.\n"
    )
    return subject, body


def escalation_sms(link: str) -> str:
    return (
        "Operation Encompass: a child in the review queue is still undecided and due soon. "
        f"Sign in to review: {link}"
    )


def escalation_email(link: str) -> tuple[str, str]:
    subject = "Operation Encompass: an undecided review item needs you"
    body = (
        "Nobody has yet decided which setting a child on a police notice attends, and the "
        "child's Key Adult must be told before the next school day. You are the "
        "coordinator's deputy for this council.\n\n"
        f"Sign in to see the candidates and decide:\n{link}\n\n"
        "The details are only shown after you sign in, and every view is recorded.\n"
    )
    return subject, body
