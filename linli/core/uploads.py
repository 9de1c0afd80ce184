"""Uploaded files: a size limit on each, images that cannot exhaust the decoder, and no file left in storage when
the save that stores it fails."""

import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models.fields.files import FieldFile
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image

from .errors import DomainError

# Pillow refuses to decode more pixels than this (a 200-megapixel PNG of a few kilobytes would take gigabytes).
MAX_IMAGE_PIXELS = 50_000_000
Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS

MB = 1024 * 1024


def _mb(limit: int) -> str:
    return f"{limit / MB:g}"


def upload_read(upload: Any, *, max_bytes: int, field: str) -> bytes:
    """The upload's bytes, reading at most one byte past the limit; a `DomainError` on `field` if it is larger."""
    size = getattr(upload, "size", None)
    if size is not None and size > max_bytes:
        raise DomainError(
            _("The file is larger than %(mb)s MB.") % {"mb": _mb(max_bytes)}, code="too_large", field=field
        )
    data: bytes = upload.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise DomainError(
            _("The file is larger than %(mb)s MB.") % {"mb": _mb(max_bytes)}, code="too_large", field=field
        )
    return data


@deconstructible
class MaxFileSizeValidator:
    """For a form's FileField: refuses a file larger than `max_bytes` with a message in the user's language."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes

    def __call__(self, value: Any) -> None:
        size = getattr(value, "size", None)
        if size is not None and size > self.max_bytes:
            raise ValidationError(
                gettext_lazy("The file is larger than %(mb)s MB."), code="too_large", params={"mb": _mb(self.max_bytes)}
            )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, MaxFileSizeValidator) and other.max_bytes == self.max_bytes


@contextmanager
def image_decoding(*, field: str) -> Iterator[None]:
    """Open and decode images inside this block: an image with too many pixels (a decompression bomb) becomes a
    `DomainError` on `field` instead of a crash or a process that eats the server's memory."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            yield
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise DomainError(_("This image has too many pixels."), code="too_many_pixels", field=field) from None


@contextmanager
def files_removed_on_error() -> Iterator[list[FieldFile]]:
    """Put every FieldFile saved inside the block in the list it gives; if the block fails, they are deleted from
    storage, so a rolled-back row leaves no file behind. Wrap it around the `transaction.atomic()` block."""
    saved: list[FieldFile] = []
    try:
        yield saved
    except BaseException:
        for file in saved:
            if file.name:
                file.storage.delete(file.name)
        raise
