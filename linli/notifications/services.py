"""Telling people things: in-app, and by SMS through the configured sender. Nothing is told of a change that rolls
back: a notification is sent after the commit, or written in the transaction of the change (`notify_with_change`)."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import translation

from .models import Notification
from .sms import SMSMessage, send_sms

_told_nothing: ContextVar[bool] = ContextVar("told_nothing", default=False)
_kept: ContextVar[list[SMSMessage] | None] = ContextVar("kept_sms", default=None)


@contextmanager
def telling_no_one() -> Iterator[None]:
    """Write history without telling anyone: inside, no notification or SMS is sent or written. For recording events
    long past (the demo's year), whose news would reach people months late and all at once."""
    token = _told_nothing.set(True)
    try:
        yield
    finally:
        _told_nothing.reset(token)


@contextmanager
def keeping_sms() -> Iterator[list[SMSMessage]]:
    """Texts sent inside are kept in the list this yields, at once, instead of going to the SMS sender: for acting
    out in one process what a person does with a text their phone receives (the demo's residents sign up with the
    code they were sent). Nothing inside reaches a phone or the console; inside `telling_no_one` nothing is kept."""
    kept: list[SMSMessage] = []
    token = _kept.set(kept)
    try:
        yield kept
    finally:
        _kept.reset(token)


def told_no_one() -> bool:
    """Inside `telling_no_one`: a service may skip working out whom to tell."""
    return _told_nothing.get()


def in_language_of(user: Any) -> translation.override:
    """Texts made inside read in the user's chosen language (the site's when none): a notification is read later
    by its recipient, not by whoever caused it. `with in_language_of(user): title = _("…")`."""
    return translation.override(getattr(user, "language", "") or settings.LANGUAGE_CODE)


def notify(*, user: Any, title: str, body: str = "", url: str = "", community: Any = None, sms: bool = False) -> None:
    """Queue an in-app notification (and optionally an SMS) to be sent once the current transaction commits."""
    if _told_nothing.get():
        return
    kept = _kept.get()
    if sms and user.mobile and kept is not None:
        kept.append(SMSMessage(mobile=user.mobile, text=f"{title} {body}".strip()))
        sms = False

    def deliver() -> None:
        Notification.objects.create(user=user, community=community, title=title[:120], body=body, url=url)
        if sms and user.mobile:
            send_sms(user.mobile, f"{title} {body}".strip())

    transaction.on_commit(deliver)


def notify_with_change(*, user: Any, title: str, body: str = "", url: str = "", community: Any = None) -> None:
    """Write an in-app notification in the current transaction: it commits, or rolls back, with the change it tells
    of, and costs no commit of its own (for the busy write paths). No SMS: a text cannot be taken back."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("notify_with_change must run inside the transaction of the change it tells of")
    if _told_nothing.get():
        return
    Notification.objects.create(user=user, community=community, title=title[:120], body=body, url=url)


def notify_many(messages: list[dict[str, Any]]) -> None:
    """Queue several in-app notifications (each the keyword arguments of `notify`, without SMS), written together in
    one statement once the current transaction commits: a service that acts for many people at once tells them so."""
    if not messages or _told_nothing.get():
        return

    def deliver() -> None:
        Notification.objects.bulk_create(
            [
                Notification(
                    user=m["user"],
                    community=m.get("community"),
                    title=m["title"][:120],
                    body=m.get("body", ""),
                    url=m.get("url", ""),
                )
                for m in messages
            ],
            batch_size=1000,
        )

    transaction.on_commit(deliver)


def notify_sms(*, mobile: str, text: str) -> None:
    if _told_nothing.get():
        return
    kept = _kept.get()
    if kept is not None:
        kept.append(SMSMessage(mobile=mobile, text=text))
        return
    transaction.on_commit(lambda: send_sms(mobile, text))
