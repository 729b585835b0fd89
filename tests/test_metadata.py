"""No published image carries metadata about the people who collected the evidence.

Every image under a built `site/` (derivatives, published originals, the theme's
favicon) is opened and searched for EXIF (GPS included), XMP, IPTC, ICC profiles
and comments. An original is published only with `publish_original: true`, byte
for byte, and the build refuses one that carries metadata; otherwise the page
gives the original's SHA-256 and says the publisher holds it.
"""

from __future__ import annotations

import hashlib
import io
import re
import shutil
from pathlib import Path

import pytest
from PIL import Image

from catalogue.loader import load_catalogue
from catalogue.media import original_metadata
from conftest import FIXTURES, ROOT, build_ok, make_project, mkdocs_build

IMAGE_SUFFIXES = {".webp", ".png", ".jpg", ".jpeg", ".gif", ".tif", ".tiff", ".ico", ".bmp", ".avif"}
# Info keys Pillow fills from metadata blocks (PNG text chunks arrive under their own keywords).
METADATA_KEYS = {"exif", "xmp", "XML:com.adobe.xmp", "icc_profile", "comment", "photoshop", "iptc", "dpi_comment"}
PIXEL_KEYS = {"dpi", "gamma", "transparency", "aspect", "srgb", "chromaticity", "duration", "loop",
              "background", "version", "extension", "lossless", "progressive", "progression", "jfif",
              "jfif_version", "jfif_unit", "jfif_density", "adobe", "adobe_transform", "interlace", "bbox",
              "timestamp", "blend", "disposal"}
RAW_MARKERS = [b"Exif\x00\x00", b"<x:xmpmeta", b"http://ns.adobe.com/xap/", b"Photoshop 3.0", b"8BIM\x04\x04",
               b"ICC_PROFILE", b"tEXt", b"iTXt", b"zTXt", b"eXIf", b"iCCP", b"tIME", b"XMP DataXMP",
               b"Placeholder camera"]


def published_images(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*") if p.suffix.lower() in IMAGE_SUFFIXES and p.is_file())


def metadata_in(path: Path) -> list[str]:
    """What a test finds in one file, independently of the code under test."""
    found = []
    data = path.read_bytes()
    with Image.open(path) as image:
        if image.getexif():
            found.append(f"EXIF tags {sorted(image.getexif())}")
        keys = set(image.info) - PIXEL_KEYS
        if keys:
            found.append(f"info {sorted(keys)}")
        text = getattr(image, "text", None)  # PNG text chunks
        if text:
            found.append(f"text chunks {sorted(text)}")
    found += [f"bytes {marker!r}" for marker in RAW_MARKERS if marker in data]
    return found


def test_no_image_of_the_sample_site_carries_metadata(sample_site: Path) -> None:
    images = published_images(sample_site)
    catalogue = load_catalogue(ROOT / "evidence")
    media_count = sum(len(r.media) for r in catalogue.records)
    webp = [p for p in images if p.suffix == ".webp"]
    assert len(webp) == 2 * media_count, "a thumbnail and a display copy of every image"
    assert any(p.name == "favicon.png" for p in images), "the theme's images are checked too"
    dirty = {str(p.relative_to(sample_site)): metadata_in(p) for p in images}
    assert not {k: v for k, v in dirty.items() if v}


def test_the_sample_does_carry_metadata_that_the_site_drops() -> None:
    # The test above means something only if an original does carry metadata.
    original = ROOT / "evidence" / "HS-0002" / "placeholder-appeal-page.jpg"
    found = metadata_in(original)
    assert any("EXIF" in f for f in found) and any("Placeholder camera" in f for f in found)
    with Image.open(original) as image:
        assert image.getexif().get_ifd(0x8825), "the fake original has a GPS position"


@pytest.fixture(scope="module")
def withdrawn_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = make_project(tmp_path_factory.mktemp("withdrawn-meta"), FIXTURES / "withdrawn" / "evidence")
    build_ok(project)
    return project


def test_a_published_original_is_the_file_itself_and_clean(withdrawn_project: Path) -> None:
    site = withdrawn_project / "site"
    source = withdrawn_project / "evidence" / "W-2" / "leaflet.png"
    published = site / "items" / "W-2" / "media" / "leaflet.png"
    assert published.read_bytes() == source.read_bytes(), "published byte for byte"
    digest = hashlib.sha256(source.read_bytes()).hexdigest()
    page = (site / "items" / "W-2" / "index.html").read_text(encoding="utf-8")
    assert re.search(rf'<a href="media/leaflet.png">original file</a> \(unaltered, without embedded metadata\), '
                     rf'SHA-256 <code class="ec-hash">{digest}</code>', page)
    dirty = {str(p.relative_to(site)): metadata_in(p) for p in published_images(site)}
    assert published.relative_to(site).as_posix() in {Path(k).as_posix() for k in dirty}
    assert not {k: v for k, v in dirty.items() if v}


def test_an_unpublished_original_is_named_by_its_hash_only(sample_site: Path) -> None:
    catalogue = load_catalogue(ROOT / "evidence")
    checked = 0
    for record in catalogue.records:
        page = (sample_site / "items" / record.id / "index.html").read_text(encoding="utf-8")
        for item in record.media:
            assert not item.publish_original
            assert not (sample_site / "items" / record.id / "media" / item.file).exists()
            digest = hashlib.sha256((catalogue.folder(record.id) / item.file).read_bytes()).hexdigest()
            assert f'original held by the publisher, SHA-256 <code class="ec-hash">{digest}</code>' in page
            checked += 1
    assert checked >= 5


def test_an_original_with_metadata_is_refused(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p", FIXTURES / "withdrawn" / "evidence")
    site = build_ok(project)
    before = {p.relative_to(site): p.read_bytes() for p in site.rglob("*") if p.is_file()}
    # The same leaflet, now straight from a phone: EXIF with a GPS position, XMP and a comment.
    leaflet = project / "evidence" / "W-2" / "leaflet.png"
    with Image.open(leaflet) as image:
        pixels = image.convert("RGB")
    (project / "evidence" / "W-2" / "leaflet.jpg").write_bytes(_jpeg_with_everything(pixels))
    leaflet.unlink()
    record = project / "evidence" / "W-2" / "record.yaml"
    record.write_text(record.read_text().replace("leaflet.png", "leaflet.jpg"))
    result = mkdocs_build(project)
    assert result.returncode != 0
    line = next(i for i, text in enumerate(record.read_text().splitlines(), start=1) if "publish_original" in text)
    assert f"evidence/W-2/record.yaml:{line}:" in result.stderr
    assert "media[0].publish_original" in result.stderr
    for what in ("EXIF", "GPS", "XMP", "comment"):
        assert what in result.stderr, what
    assert "Traceback" not in result.stderr
    assert {p.relative_to(site): p.read_bytes() for p in site.rglob("*") if p.is_file()} == before
    # Unpublished, the same file is fine: only its metadata-free copies go out.
    record.write_text(record.read_text().replace("publish_original: true", "publish_original: false"))
    site = build_ok(project)
    assert not (site / "items" / "W-2" / "media" / "leaflet.jpg").exists()
    assert not [p for p in published_images(site) if metadata_in(p)]
    shutil.rmtree(project)


def _jpeg_with_everything(pixels: Image.Image) -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "Phone maker"       # Make
    exif[0x013B] = "Collector name"    # Artist
    exif.get_ifd(0x8825).update({1: "N", 2: (40.0, 10.0, 0.0), 3: "E", 4: (44.0, 30.0, 0.0)})
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF/></x:xmpmeta>'
    out = io.BytesIO()
    pixels.save(out, "JPEG", exif=exif, xmp=xmp, comment=b"taken at the scene")
    return out.getvalue()


def _save(image: Image.Image, fmt: str, **options: object) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **options)
    return out.getvalue()


def _png_with_chunk(kind: bytes, body: bytes) -> bytes:
    import zlib

    data = _save(Image.new("RGB", (8, 8), "white"), "PNG")
    chunk = len(body).to_bytes(4, "big") + kind + body + zlib.crc32(kind + body).to_bytes(4, "big")
    end = data.rindex(b"IEND") - 4
    return data[:end] + chunk + data[end:]


def _iptc_jpeg() -> bytes:
    data = _save(Image.new("RGB", (8, 8), "white"), "JPEG")
    body = b"Photoshop 3.0\x008BIM\x04\x04\x00\x00\x00\x00\x00\x08\x1c\x02\x50\x00\x03Bob"
    segment = b"\xff\xed" + (len(body) + 2).to_bytes(2, "big") + body
    return data[:2] + segment + data[2:]


def _exif_with_gps() -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = "Phone maker"  # Make; without a main tag Pillow drops the block from a PNG
    exif.get_ifd(0x8825).update({1: "N", 2: (40.0, 10.0, 0.0)})
    return exif


_BLANK = Image.new("RGB", (8, 8), "white")
_ICC = b"\x00" * 128  # a profile's bytes need not be valid for the file to carry them


@pytest.mark.parametrize(("name", "data", "expected"), [
    ("clean.jpg", _save(_BLANK, "JPEG"), []),
    ("clean.png", _save(_BLANK, "PNG"), []),
    ("clean.webp", _save(_BLANK, "WEBP"), []),
    ("clean.gif", _save(_BLANK, "GIF"), []),
    ("clean.tif", _save(_BLANK, "TIFF"), []),
    ("exif.jpg", _save(_BLANK, "JPEG", exif=_exif_with_gps()), ["EXIF (with a GPS position)"]),
    ("comment.jpg", _save(_BLANK, "JPEG", comment=b"hello"), ["a comment"]),
    ("xmp.jpg", _save(_BLANK, "JPEG", xmp=b"<x:xmpmeta/>"), ["XMP"]),
    ("icc.jpg", _save(_BLANK, "JPEG", icc_profile=_ICC), ["an ICC colour profile"]),
    ("iptc.jpg", _iptc_jpeg(), ["IPTC (Photoshop)"]),
    ("trailer.jpg", _save(_BLANK, "JPEG") + b"hidden trailer", ["data after the end of the image"]),
    ("text.png", _png_with_chunk(b"tEXt", b"Author\x00Collector"), ["text"]),
    ("time.png", _png_with_chunk(b"tIME", b"\x07\xe8\x01\x02\x03\x04\x05"), ["a modification time"]),
    ("exif.png", _save(_BLANK, "PNG", exif=_exif_with_gps()), ["EXIF (with a GPS position)"]),
    ("icc.png", _save(_BLANK, "PNG", icc_profile=_ICC), ["an ICC colour profile"]),
    ("exif.webp", _save(_BLANK, "WEBP", exif=_exif_with_gps(), xmp=b"<x:xmpmeta/>"), ["EXIF (with a GPS position)", "XMP"]),
    ("comment.gif", _save(_BLANK, "GIF", comment=b"hello"), ["a comment"]),
    ("make.tif", _save(_BLANK, "TIFF", tiffinfo={0x010F: "Phone maker"}), ["the TIFF tag Make"]),
], ids=lambda value: value if isinstance(value, str) else "")
def test_original_metadata_names_what_a_file_carries(tmp_path: Path, name: str, data: bytes,
                                                     expected: list[str]) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    assert sorted(original_metadata(path)) == sorted(expected)
