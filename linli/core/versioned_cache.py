"""Entries kept in the shared cache under one version that a change to what they are made from renews.

Each entry is stored with the version current when it was made and read together with it in one round trip; an
entry of an older version is made again. The version is renewed at once and again once the change is committed,
so an entry made in between from the old records is not kept."""

import uuid
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.core.cache import cache
from django.db import transaction

T = TypeVar("T")


class VersionedCache:
    """The entries of one namespace, all made again after `renew()`."""

    def __init__(self, namespace: str) -> None:
        self.namespace = namespace
        self.version_key = f"{namespace}:version"

    def renew(self, **_signal_kwargs: Any) -> None:
        """Every entry is made afresh, now and once the change is committed (takes a signal's arguments)."""

        def renew_now() -> None:
            cache.set(self.version_key, uuid.uuid4().hex, None)

        renew_now()
        transaction.on_commit(renew_now)

    def get_or_make(self, key_parts: Iterable[object], make: Callable[[], T], timeout: int | None) -> T:
        """The entry named by `key_parts`, as kept or made now by `make` and kept for `timeout` seconds; made and
        not kept when `timeout` is 0 or None."""
        if not timeout:
            return make()
        key = ":".join([self.namespace, *map(str, key_parts)])
        found = cache.get_many([self.version_key, key])
        version = found.get(self.version_key)
        if version is None:
            version = uuid.uuid4().hex
            if not cache.add(self.version_key, version, None):
                version = cache.get(self.version_key, version)
        kept = found.get(key)
        if kept is not None and kept[0] == version:
            value: T = kept[1]
            return value
        value = make()
        cache.set(key, (version, value), timeout)
        return value
