"""An uploaded picture written again as a plain JPEG: upright, on white, no larger than asked, and without the
metadata (EXIF, GPS) the original carried."""

import io

from PIL import Image, ImageOps


def jpeg_reencoded(opened: Image.Image, *, max_side: int) -> Image.Image:
    """`opened` (loaded) turned upright by its EXIF orientation, transparency flattened onto white, shrunk to at
    most `max_side` pixels a side; save it with `jpeg_bytes`."""
    image: Image.Image = ImageOps.exif_transpose(opened)
    if image.mode not in ("RGB", "L"):
        background = Image.new("RGB", image.size, (255, 255, 255))
        rgba = image.convert("RGBA")
        background.paste(rgba, mask=rgba.getchannel("A"))
        image = background
    image.thumbnail((max_side, max_side))
    return image


def jpeg_bytes(image: Image.Image) -> bytes:
    """The image as JPEG bytes; no exif= argument, so no metadata is written."""
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85, optimize=True)
    return out.getvalue()
