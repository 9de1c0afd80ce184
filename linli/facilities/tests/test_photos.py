"""Facility photos: uploads work and record their size; what is not a usable image is refused with a message and
leaves no file behind."""

import io
import struct
import zlib

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from linli.conftest import client_for
from linli.facilities import services
from linli.facilities.models import FacilityPhoto

from .factories import make_facility

pytestmark = pytest.mark.django_db


def picture(fmt: str = "PNG", size: tuple[int, int] = (40, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, "red").save(out, format=fmt)
    return out.getvalue()


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png_bomb(width: int, height: int) -> bytes:
    """A PNG of a few dozen bytes that claims width × height pixels."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(b"\0" * 100))
        + _chunk(b"IEND", b"")
    )


@pytest.fixture(autouse=True)
def empty_storage():
    """The test storage is kept in memory for the whole run: start each test with no photo in it."""
    if default_storage.exists("facilities"):
        for community_dir in default_storage.listdir("facilities")[0]:
            for facility_dir in default_storage.listdir(f"facilities/{community_dir}")[0]:
                folder = f"facilities/{community_dir}/{facility_dir}"
                for name in default_storage.listdir(folder)[1]:
                    default_storage.delete(f"{folder}/{name}")


def stored_files(facility) -> list[str]:
    folder = f"facilities/{facility.community_id}/{facility.pk}"
    return default_storage.listdir(folder)[1] if default_storage.exists(folder) else []


def upload(client, facility, content: bytes, name: str = "photo.png"):
    return client.post(
        f"/services/shibei/manage/{facility.pk}/photos/",
        {"image": SimpleUploadedFile(name, content), "caption": "门口"},
    )


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "WEBP"])
def test_a_photo_upload_is_stored_with_its_size(community, users, fmt):
    facility = make_facility(community, code="P1")
    response = upload(client_for(users["community_admin"]), facility, picture(fmt, (40, 30)))
    assert response.status_code == 302
    photo = FacilityPhoto.objects.get()
    assert (photo.width, photo.height) == (40, 30)
    assert stored_files(facility) == [photo.image.name.rsplit("/", 1)[1]]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"not an image at all", "Upload a JPEG, PNG or WebP photo."),
        (picture("PNG", (400, 300))[:200], "Upload a JPEG, PNG or WebP photo."),  # truncated
        (png_bomb(20_000, 10_000), "This image has too many pixels."),  # 200 megapixels: Pillow's error
        (png_bomb(8_000, 8_000), "This image has too many pixels."),  # 64 megapixels: Pillow's warning
    ],
)
def test_what_is_not_a_usable_image_is_refused_and_leaves_nothing(community, users, content, message):
    facility = make_facility(community, code="P1")
    response = upload(client_for(users["community_admin"], "en"), facility, content)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not FacilityPhoto.objects.exists() and stored_files(facility) == []


def test_a_photo_larger_than_5_mb_is_refused_by_the_form(community, users):
    facility = make_facility(community, code="P1")
    response = upload(client_for(users["community_admin"], "en"), facility, b"\0" * (5 * 1024 * 1024 + 1))
    assert "The file is larger than 5 MB." in response.content.decode()
    assert not FacilityPhoto.objects.exists()


def test_a_failed_save_leaves_no_file_behind(community, users, monkeypatch):
    facility = make_facility(community, code="P1")

    def broken(**kwargs):
        raise RuntimeError("the audit log is down")

    monkeypatch.setattr(services, "audit_record", broken)
    with pytest.raises(RuntimeError):
        services.photo_add(
            actor=users["community_admin"],
            facility=facility,
            upload=SimpleUploadedFile("p.png", picture()),
        )
    assert not FacilityPhoto.objects.exists() and stored_files(facility) == []
