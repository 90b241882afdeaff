"""Photo decoding is bounded and comes last (issue 14, point 10).

A 154 KB PNG of 6300 x 6300 raised a worker's memory by 400 MB, and the photo was decoded even when
the report was refused. The size is now read from the header and refused above the cap without a
pixel being decoded, and a photo is decoded only once everything else in the report has passed.
"""

import base64
import io
import uuid
import zlib

import pytest
from PIL import Image, ImageFile

from app.reports import photos
from app.reports.photos import MAX_SOURCE_PIXELS, PhotoRejected, check_photo, sanitise_photo
from tests.factories import login, post_report, report_body


def huge_png(width: int, height: int, *, rows: int | None = None) -> bytes:
    """A one-colour PNG of ``width`` x ``height``, written by hand: a few hundred KB that would decode
    to ``width * height`` pixels. ``rows`` writes only the first rows (the header is what is judged)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return len(data).to_bytes(4, "big") + kind + data + zlib.crc32(kind + data).to_bytes(4, "big")

    header = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes([8, 0, 0, 0, 0])  # 8-bit grey
    compressor = zlib.compressobj(9)
    row = b"\x00" + b"\x00" * width  # filter byte, then black pixels
    pixels = b"".join(compressor.compress(row) for _ in range(height if rows is None else rows))
    pixels += compressor.flush()
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


@pytest.fixture
def decodes(monkeypatch):
    """Every decode Pillow makes, by image size: ``ImageFile.load`` with tiles still to decode (later
    calls on a loaded image find none and do nothing)."""
    seen = []
    original = ImageFile.ImageFile.load

    def recording_load(image):
        if image.tile:
            seen.append(image.size)
        return original(image)

    monkeypatch.setattr(ImageFile.ImageFile, "load", recording_load)
    return seen


def test_the_reported_bomb_is_refused_from_its_header_without_decoding(decodes):
    raw = huge_png(6300, 6300)
    assert len(raw) < 200_000
    with pytest.raises(PhotoRejected, match="too many pixels"):
        sanitise_photo(raw)
    assert decodes == []


def test_far_beyond_pillows_own_limit_is_refused_the_same_way(decodes):
    raw = huge_png(20_000, 20_000, rows=1)  # 400 megapixels: Pillow's decompression-bomb error at open
    with pytest.raises(PhotoRejected, match="too many pixels"):
        check_photo(raw)
    assert decodes == []


def test_the_cap_itself_is_accepted_and_one_pixel_more_is_not(decodes):
    side = 4096
    assert side * side == MAX_SOURCE_PIXELS
    assert check_photo(huge_png(side, side)).width == side
    with pytest.raises(PhotoRejected, match="too many pixels"):
        check_photo(huge_png(side, side + 1))
    assert decodes == []


def test_a_jpeg_is_decoded_at_a_reduced_scale_when_that_still_covers_the_result(decodes):
    out = io.BytesIO()
    Image.new("RGB", (4096, 3072), (90, 90, 200)).save(out, format="JPEG", quality=50)
    clean = sanitise_photo(out.getvalue())
    assert (clean.width, clean.height) == (photos.MAX_EDGE, 1536)
    assert decodes == [(2048, 1536)], "the decoder made a quarter of the pixels"


def _photo(raw: bytes) -> dict:
    return {"content_type": "image/png", "data": base64.b64encode(raw).decode()}


def test_the_api_refuses_the_bomb_on_the_photo_field_without_decoding(client, make, decodes):
    make.user("dsp@x.test", regions=["North"])
    login(client, "dsp@x.test")
    response = post_report(client, report_body(make.region("North"), photo=_photo(huge_png(6300, 6300))))
    assert response.status_code == 422
    assert response.get_json()["errors"] == {
        "photo": ["The photo has too many pixels: at most 16.8 megapixels. Send a smaller one."]
    }
    assert decodes == []


def test_a_report_refused_for_another_reason_never_decodes_its_photo(client, make, decodes):
    make.user("dsp@x.test", regions=["North"])
    login(client, "dsp@x.test")
    small = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(small, format="PNG")
    body = report_body(make.region("North"), category="astrology", photo=_photo(small.getvalue()))
    response = post_report(client, body)
    assert response.status_code == 422 and set(response.get_json()["errors"]) == {"category"}
    forbidden = post_report(client, {**body, "category": "medication", "region_id": make.region("South")})
    assert forbidden.status_code == 403
    assert decodes == []
    stored = post_report(client, {**body, "category": "medication", "client_uuid": str(uuid.uuid4())})
    assert stored.status_code == 201
    assert decodes == [(64, 48)], "decoded once, when everything else had passed"
    replay = post_report(
        client, {**body, "category": "medication", "client_uuid": stored.get_json()["client_uuid"]}
    )
    assert replay.status_code == 200
    assert decodes == [(64, 48)], "a replay is answered from the row, not decoded again"
