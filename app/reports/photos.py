"""Photo checks: the type is judged by content (not by name or header), metadata is stripped by
re-encoding, and the picture is bounded in bytes and pixels. Pure: no database, no request.

Two steps, so that a refused report never decodes its photo: ``check_photo`` reads only the header
(Pillow's ``Image.open`` is lazy: format and size come from the first bytes, no pixel is made) and
``sanitise_photo`` decodes and re-encodes, once everything else in the report has passed.

Memory is bounded by the pixels a photo may have: ``MAX_SOURCE_PIXELS`` = 4096 x 4096 (16.8 megapixels)
for JPEG and PNG - every 12 and 16 megapixel phone camera and any screenshot fits, and the app itself
sends photos downscaled on the phone - and half that for WebP, whose decoder keeps two canvases of its
own. Pillow keeps a decoded pixel in at most 4 bytes and needs at most one more copy to rotate, shrink
or convert it, so one photo costs at most about 8 bytes a pixel (WebP 16): **about 140 MB at the cap,
whatever the format**. Measured with Pillow 13 (peak memory of a fresh process): 139 MB for a 4096 x 4096
RGBA PNG, 134 MB for a 2896 x 2896 WebP, 75 MB for a 4096 x 4096 progressive JPEG; the 6300 x 6300 PNG
that took 456 MB, and a 6300 x 6300 WebP that took 763 MB, are refused from their headers and take
nothing. A JPEG is decoded at 1/2, 1/4 or 1/8 scale when that still covers the ``MAX_EDGE`` result (a
4096 x 3072 baseline JPEG takes 7 MB).
"""

import io
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_SOURCE_EDGE = 4096
MAX_SOURCE_PIXELS = MAX_SOURCE_EDGE * MAX_SOURCE_EDGE
# A WebP decoder keeps two canvases of its own beside Pillow's image (16 bytes a pixel, twice a PNG's),
# so WebP gets half the pixels. Phones take JPEG (or HEIC, which browsers hand over as JPEG).
MAX_PIXELS = {"JPEG": MAX_SOURCE_PIXELS, "PNG": MAX_SOURCE_PIXELS, "WEBP": MAX_SOURCE_PIXELS // 2}
MAX_EDGE = 2048
ACCEPTED_FORMATS = set(MAX_PIXELS)

# Pillow's own decompression-bomb guard, with the same cap: it runs inside ``Image.open``, before a WebP
# decoder allocates its canvas. It warns above the cap and refuses above twice the cap; both are
# answered below as "too many pixels".
Image.MAX_IMAGE_PIXELS = MAX_SOURCE_PIXELS

_UNREADABLE = _l("This file is not a photo we can read.")
_UNREADABLE_ERRORS = (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError)


def _too_many_pixels(limit: int) -> str:
    return _(
        "The photo has too many pixels: at most %(megapixels)s megapixels. Send a smaller one.",
        megapixels=f"{limit / 1_000_000:.1f}",
    )


class PhotoRejected(ValueError):
    """A user-facing reason the photo was refused."""


@dataclass(frozen=True)
class PhotoHeader:
    format: str
    width: int
    height: int


@dataclass(frozen=True)
class CleanPhoto:
    data: bytes
    width: int
    height: int
    content_type: str = "image/jpeg"


def check_photo(raw: bytes) -> PhotoHeader:
    """Judge ``raw`` by its header alone - bytes, format, pixels - without decoding it."""
    if not raw:
        raise PhotoRejected(_("The photo is empty."))
    if len(raw) > MAX_UPLOAD_BYTES:
        raise PhotoRejected(_("The photo is larger than %(mb)s MB.", mb=MAX_UPLOAD_BYTES // (1024 * 1024)))
    try:
        with Image.open(io.BytesIO(raw)) as probe:
            header = PhotoHeader(probe.format, probe.width, probe.height)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise PhotoRejected(_too_many_pixels(MAX_SOURCE_PIXELS)) from None
    except _UNREADABLE_ERRORS:
        raise PhotoRejected(str(_UNREADABLE)) from None
    if header.format not in ACCEPTED_FORMATS:
        raise PhotoRejected(_("Send a JPEG, PNG or WebP photo."))
    limit = MAX_PIXELS[header.format]
    if header.width * header.height > limit:
        raise PhotoRejected(_too_many_pixels(limit))
    return header


def _reduced_size(width: int, height: int) -> tuple[int, int]:
    """The size the result will have: ``MAX_EDGE`` on the long side at most."""
    scale = min(1.0, MAX_EDGE / max(width, height))
    return max(1, round(width * scale)), max(1, round(height * scale))


def sanitise_photo(raw: bytes) -> CleanPhoto:
    """Re-encode ``raw`` as a metadata-free JPEG no larger than ``MAX_EDGE`` on its long side.

    The header is checked first (``check_photo``), so nothing above ``MAX_SOURCE_PIXELS`` is decoded.
    """
    header = check_photo(raw)
    try:
        with Image.open(io.BytesIO(raw)) as image:
            # JPEG only (a no-op for the others): the decoder scales down while it decodes.
            image.draft(None, _reduced_size(header.width, header.height))
            image.load()
            # Honour the camera's rotation before the EXIF block (with any location) is dropped.
            ImageOps.exif_transpose(image, in_place=True)
            image.thumbnail((MAX_EDGE, MAX_EDGE))
            clean = image.convert("RGB")
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise PhotoRejected(_too_many_pixels(MAX_SOURCE_PIXELS)) from None
    except _UNREADABLE_ERRORS:
        raise PhotoRejected(str(_UNREADABLE)) from None
    out = io.BytesIO()
    clean.save(out, format="JPEG", quality=85, optimize=True)
    return CleanPhoto(out.getvalue(), clean.width, clean.height)
