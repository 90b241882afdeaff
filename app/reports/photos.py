"""Photo checks: the type is judged by content (not by name or header), metadata is stripped by
re-encoding, and the picture is bounded in bytes and pixels. Pure: no database, no request."""

import io
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_SOURCE_PIXELS = 40_000_000
MAX_EDGE = 2048
ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP"}


class PhotoRejected(ValueError):
    """A user-facing reason the photo was refused."""


@dataclass(frozen=True)
class CleanPhoto:
    data: bytes
    width: int
    height: int
    content_type: str = "image/jpeg"


def sanitise_photo(raw: bytes) -> CleanPhoto:
    """Re-encode ``raw`` as a metadata-free JPEG no larger than ``MAX_EDGE`` on its long side."""
    if not raw:
        raise PhotoRejected("The photo is empty.")
    if len(raw) > MAX_UPLOAD_BYTES:
        raise PhotoRejected(f"The photo is larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB.")
    try:
        with Image.open(io.BytesIO(raw)) as probe:
            if probe.format not in ACCEPTED_FORMATS:
                raise PhotoRejected("Send a JPEG, PNG or WebP photo.")
            if probe.width * probe.height > MAX_SOURCE_PIXELS:
                raise PhotoRejected("The photo has too many pixels.")
            probe.load()
            # Honour the camera's rotation before the EXIF block (with any location) is dropped.
            image = ImageOps.exif_transpose(probe).convert("RGB")
    except PhotoRejected:
        raise
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError, SyntaxError):
        raise PhotoRejected("This file is not a photo we can read.") from None
    image.thumbnail((MAX_EDGE, MAX_EDGE))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85, optimize=True)
    return CleanPhoto(out.getvalue(), image.width, image.height)
