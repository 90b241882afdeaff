"""Photos: type judged by content, metadata stripped by re-encoding, sizes bounded."""

import base64
import io

import pytest
from PIL import Image

from app.reports.photos import MAX_EDGE, PhotoRejected, sanitise_photo
from tests.factories import login, post_report, report_body, yesterday_local

GPS_IFD = 0x8825


def jpeg_with_location(width=64, height=48) -> bytes:
    image = Image.new("RGB", (width, height), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[GPS_IFD] = {1: "N", 2: (51.0, 30.0, 0.0), 3: "W", 4: (0.0, 7.0, 0.0)}
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def png_bytes(width=32, height=32) -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", (width, height), (0, 0, 255, 128)).save(out, format="PNG")
    return out.getvalue()


def test_location_metadata_is_stripped():
    raw = jpeg_with_location()
    with Image.open(io.BytesIO(raw)) as original:
        assert original.getexif().get(GPS_IFD) is not None
    clean = sanitise_photo(raw)
    with Image.open(io.BytesIO(clean.data)) as cleaned:
        assert cleaned.format == "JPEG"
        assert not cleaned.getexif()
        assert (cleaned.width, cleaned.height) == (64, 48)


def test_png_becomes_jpeg():
    clean = sanitise_photo(png_bytes())
    assert clean.content_type == "image/jpeg" and clean.data[:2] == b"\xff\xd8"


def test_large_photos_are_downscaled():
    clean = sanitise_photo(png_bytes(MAX_EDGE * 2, 100))
    assert clean.width == MAX_EDGE


@pytest.mark.parametrize(
    "raw",
    [b"", b"not an image at all", b"GIF89a" + b"\x00" * 20, b"\xff\xd8\xff" + b"\x00" * 50],
)
def test_non_photos_are_refused(raw):
    with pytest.raises(PhotoRejected):
        sanitise_photo(raw)


def test_gif_is_refused_by_content_not_name():
    out = io.BytesIO()
    Image.new("RGB", (4, 4)).save(out, format="GIF")
    with pytest.raises(PhotoRejected, match="JPEG, PNG or WebP"):
        sanitise_photo(out.getvalue())


def test_oversized_upload_is_refused():
    with pytest.raises(PhotoRejected, match="larger than"):
        sanitise_photo(b"\xff" * (5 * 1024 * 1024 + 1))


def test_api_stores_a_clean_photo_and_serves_it_only_to_permitted_users(app, client, make):
    make.user("dsp@x.test", regions=["North"])
    make.user("dsp2@x.test", regions=["South"])
    login(client, "dsp@x.test")
    photo = {"content_type": "image/jpeg", "data": base64.b64encode(jpeg_with_location()).decode()}
    response = post_report(client, report_body(make.region("North"), photo=photo))
    assert response.status_code == 201, response.get_json()
    report_id = response.get_json()["id"]
    served = client.get(f"/reports/{report_id}/photo")
    assert served.status_code == 200 and served.mimetype == "image/jpeg"
    assert served.headers["Cache-Control"] == "no-store"
    with Image.open(io.BytesIO(served.data)) as image:
        assert not image.getexif()
    other = app.test_client()
    login(other, "dsp2@x.test")
    assert other.get(f"/reports/{report_id}/photo").status_code == 404


def test_api_refuses_a_fake_photo_with_a_field_error(client, make):
    make.user("dsp@x.test", regions=["North"])
    login(client, "dsp@x.test")
    fake = {"content_type": "image/jpeg", "data": base64.b64encode(b"MZ\x90\x00 executable").decode()}
    response = post_report(client, report_body(make.region("North"), photo=fake))
    assert response.status_code == 422
    assert response.get_json()["errors"]["photo"] == ["This file is not a photo we can read."]
    bad_base64 = post_report(client, report_body(make.region("North"), photo={"data": "***"}))
    assert bad_base64.status_code == 422 and "photo" in bad_base64.get_json()["errors"]
    wrong_type = post_report(client, report_body(make.region("North"), photo="a string"))
    assert wrong_type.status_code == 422 and "photo" in wrong_type.get_json()["errors"]


def test_form_upload_without_javascript(app, client, make):
    make.user("dsp@x.test", regions=["North"])
    login(client, "dsp@x.test")
    html = client.get("/report").get_data(as_text=True)
    token = html.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    client_uuid = html.split('name="client_uuid" value="', 1)[1].split('"', 1)[0]
    data = {
        "csrf_token": token,
        "client_uuid": client_uuid,
        "still_at_risk": "no",
        "what_happened": "Loose rail",
        "category": "equipment_environment",
        "barrier": "Checked",
        "occurred_at": yesterday_local(),
        "region_id": str(make.region("North")),
        "photo": (io.BytesIO(png_bytes()), "rail.png"),
    }
    response = client.post("/report", data=data, content_type="multipart/form-data")
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    report_id = int(response.get_data(as_text=True).split("NM-", 1)[1].split("<", 1)[0])
    assert client.get(f"/reports/{report_id}/photo").status_code == 200
