"""Photos kept between a refused submit and the next one: a file input cannot be filled again, so the cleaned photos
wait in storage under a random token that only the same browser session may use."""

import datetime as dt
import secrets
from collections.abc import Sequence
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from PIL import Image

from .photos import MAX_PHOTOS, CleanPhoto

SESSION_KEY = "reports_pending_photos"
FOLDER = "reports/pending"


def _tokens(session: Any) -> dict[str, int]:
    tokens = session.get(SESSION_KEY)
    return dict(tokens) if isinstance(tokens, dict) else {}


def pending_keep(session: Any, photos: Sequence[CleanPhoto]) -> str:
    """Store the cleaned photos; the token to send back with the next submit ("" when there is none)."""
    photos = list(photos)[:MAX_PHOTOS]
    if not photos:
        return ""
    token = secrets.token_urlsafe(18)
    for index, photo in enumerate(photos):
        default_storage.save(f"{FOLDER}/{token}/{index}.jpg", ContentFile(photo.content))
    tokens = _tokens(session)
    tokens[token] = len(photos)
    session[SESSION_KEY] = tokens
    return token


def pending_count(session: Any, token: str) -> int:
    return _tokens(session).get(token, 0)


def pending_take(session: Any, token: str) -> list[CleanPhoto]:
    """The photos kept under the token, if this session kept them; nothing for a token of anyone else."""
    count = _tokens(session).get(token or "", 0)
    photos = []
    for index in range(count):
        name = f"{FOLDER}/{token}/{index}.jpg"
        if not default_storage.exists(name):
            continue
        with default_storage.open(name, "rb") as fh:
            content = fh.read()
        with Image.open(ContentFile(content)) as image:
            photos.append(CleanPhoto(content=content, width=image.width, height=image.height))
    return photos


def pending_drop(session: Any, token: str) -> None:
    """Forget the token and delete its files (after the report is saved, or when new photos replace them)."""
    tokens = _tokens(session)
    count = tokens.pop(token or "", 0)
    for index in range(count):
        default_storage.delete(f"{FOLDER}/{token}/{index}.jpg")
    session[SESSION_KEY] = tokens


def pending_sweep(*, older_than: dt.timedelta = dt.timedelta(days=1), now: dt.datetime | None = None) -> int:
    """Delete the photos kept for submits nobody came back to; the number of files deleted."""
    now = now or timezone.now()
    try:
        tokens, _files = default_storage.listdir(FOLDER)
    except FileNotFoundError:
        return 0
    deleted = 0
    for token in tokens:
        _dirs, files = default_storage.listdir(f"{FOLDER}/{token}")
        for name in files:
            path = f"{FOLDER}/{token}/{name}"
            if now - default_storage.get_modified_time(path) > older_than:
                default_storage.delete(path)
                deleted += 1
    return deleted
