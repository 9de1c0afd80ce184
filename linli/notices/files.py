"""Notice attachments: images and PDFs, recognised by their content (never by name or declared type), with limits
on size, on count and on pixels. Images are re-encoded, which drops EXIF and GPS tags."""

import io
import re
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from linli.core.errors import DomainError
from linli.core.jpeg import jpeg_bytes, jpeg_reencoded
from linli.core.uploads import MB, image_decoding, upload_read

MAX_BYTES = 10 * MB
MAX_FILES = 5
MAX_PIXELS = 40_000_000
MAX_SIDE = 2048
IMAGE_FORMATS = {"JPEG", "PNG", "WEBP", "GIF", "MPO"}
FIELD = "attachments"


@dataclass(frozen=True)
class CleanAttachment:
    kind: str  # "image" or "pdf"
    name: str
    filename: str
    content: bytes


def _safe_stem(name: str) -> str:
    stem = name.rsplit("/", 1)[-1].rsplit("\\", 1)[-1].rsplit(".", 1)[0]
    return re.sub(r"[^\w\-]+", "_", stem)[:60] or "file"


def _image(data: bytes, label: str) -> bytes:
    not_image = DomainError(
        _("“%(name)s” is neither an image nor a PDF.") % {"name": label}, code="wrong_type", field=FIELD
    )
    try:
        with image_decoding(field=FIELD):
            with Image.open(io.BytesIO(data)) as probe:
                if probe.format not in IMAGE_FORMATS:
                    raise not_image
                if probe.width * probe.height > MAX_PIXELS:
                    raise DomainError(_("This image has too many pixels."), code="too_many_pixels", field=FIELD)
                probe.verify()
            with Image.open(io.BytesIO(data)) as opened:
                opened.load()
                return jpeg_bytes(jpeg_reencoded(opened, max_side=MAX_SIDE))
    except DomainError:
        raise
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
        raise not_image from exc


def attachment_clean(upload: Any) -> CleanAttachment:
    label = getattr(upload, "name", "") or _("the file")
    data = upload_read(upload, max_bytes=MAX_BYTES, field=FIELD)
    stem = _safe_stem(label)
    if data.startswith(b"%PDF-"):
        if b"%%EOF" not in data[-2048:]:
            raise DomainError(_("“%(name)s” is not a complete PDF.") % {"name": label}, code="broken_pdf", field=FIELD)
        return CleanAttachment(kind="pdf", name=label[:120], filename=f"{stem}.pdf", content=data)
    return CleanAttachment(kind="image", name=label[:120], filename=f"{stem}.jpg", content=_image(data, label))


def attachments_clean(uploads: list[Any]) -> list[CleanAttachment]:
    if len(uploads) > MAX_FILES:
        raise DomainError(_("Attach at most %(n)s files.") % {"n": MAX_FILES}, code="too_many_files", field=FIELD)
    return [attachment_clean(u) for u in uploads]
