"""The cockpit screens' figures, kept in the shared cache as rendered HTML.

A screen shows stored snapshots, not live records: it changes only when a snapshot is stored again (the scheduled
job, an entered value) or a community or street is renamed. Its HTML is kept per screen, month asked, day and
language, stamped with a version that any save or delete of those records renews (`screens_changed`, from
`CockpitConfig.ready`), and for `COCKPIT_SCREEN_SECONDS` at most (a new release's words); not at all without a
cache every process shares (the task worker stores the snapshots). Who may open a screen is checked on
every request, before the cache is read; the HTML is rendered without the request, so it holds nothing of the
viewer's. The map is left out: it is kept on its own (`maps`), by what it is drawn from."""

import hashlib
from collections.abc import Callable

from django.conf import settings
from django.utils import timezone
from django.utils.translation import get_language

from linli.core.versioned_cache import VersionedCache

from .framework import Framework

SCREENS = VersionedCache("cockpit:screens")


def screens_changed(**_kwargs: object) -> None:
    """A snapshot, community or street was saved or deleted: every screen is rendered afresh, now and once the
    change is committed (a screen rendered in between would have kept the old figures)."""
    SCREENS.renew()


def _framework_version(framework: Framework) -> str:
    return hashlib.blake2b(framework.text.encode(), digest_size=8).hexdigest()


def kept_screen(
    name: str, framework: Framework, render: Callable[[], tuple[str, ...]], *parts: object
) -> tuple[str, ...]:
    """The screen's HTML parts, as kept or rendered now by `render`; `parts` name the screen (its kind, its
    community or street, the month asked)."""
    day, language = timezone.localdate(), get_language()
    key = [name, *parts, f"{day:%Y%m%d}", language, _framework_version(framework)]
    return SCREENS.get_or_make(key, render, settings.COCKPIT_SCREEN_SECONDS)
