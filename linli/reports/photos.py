"""Photos: checked to be images of an accepted type and size, then re-encoded, which drops EXIF and GPS tags."""

import io
from dataclasses import dataclass
from typing import IO, Any

from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from linli.core.errors import DomainError
from linli.core.jpeg import jpeg_bytes, jpeg_reencoded

MAX_BYTES = 8 * 1024 * 1024
MAX_PIXELS = 40_000_000
MAX_SIDE = 2048
MAX_PHOTOS = 4
ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF", "MPO"}


@dataclass(frozen=True)
class CleanPhoto:
    content: bytes
    width: int
    height: int

    @property
    def size(self) -> int:
        return len(self.content)


def photo_clean(upload: IO[bytes] | Any, *, name: str = "") -> CleanPhoto:
    """The upload as a JPEG without metadata, at most MAX_SIDE pixels a side. Refuses what is not an image."""
    size = getattr(upload, "size", None)
    data = upload.read(MAX_BYTES + 1)
    if (size is not None and size > MAX_BYTES) or len(data) > MAX_BYTES:
        raise DomainError(
            _("A photo may be at most %(mb)s MB.") % {"mb": MAX_BYTES // (1024 * 1024)},
            code="photo_too_large",
            field="photos",
        )
    label = name or getattr(upload, "name", "") or _("the photo")
    not_image = DomainError(
        _("“%(name)s” is not a photo: use a JPEG, PNG or WebP image.") % {"name": label},
        code="photo_not_image",
        field="photos",
    )
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format not in ACCEPTED_FORMATS:
                raise not_image
            if probe.width * probe.height > MAX_PIXELS:
                raise DomainError(_("The photo has too many pixels."), code="photo_too_large", field="photos")
            probe.verify()
        with Image.open(io.BytesIO(data)) as opened:
            opened.load()
            image = jpeg_reencoded(opened, max_side=MAX_SIDE)
            return CleanPhoto(content=jpeg_bytes(image), width=image.width, height=image.height)
    except DomainError:
        raise
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError, SyntaxError) as exc:
        raise not_image from exc
