"""Image derivatives: a 400 px thumbnail and a 1600 px display copy per image.

Both are WebP, re-encoded from pixels only, so no EXIF (GPS included), XMP,
IPTC, ICC or comment survives. Derivatives live in a content-addressed cache
(`.cache/media/<sha256>-<kind>.webp`, the pattern of mkdocs-material's social
plugin): an unchanged image is never processed twice, and a manifest keyed by
path, size and modification time lets a warm build skip even the hashing.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import sys
import time
import warnings
from typing import Any
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

from .loader import Catalogue
from .problems import CatalogueError, Problem

# Bump when the output of `_derive` changes, so old cache entries are not reused.
PIPELINE_VERSION = "4"
SIZES = {"thumb": 400, "display": 1600}
QUALITY = {"thumb": 70, "display": 80}
# libwebp's effort (0-6). For a 1600 px display copy, 0 takes 40 ms against 75 ms for 2, at
# the same PSNR and size. For a 400 px thumbnail, 4 would buy ~4 % smaller files for ~6 ms
# more per image (5 % of a 12 MP photo's budget); 2 keeps most of the saving.
WEBP_METHOD = {"thumb": 2, "display": 0}
_ORIENTATION = 0x0112
_QUARTER_TURNS = {5, 6, 7, 8}  # EXIF orientations that swap width and height
# Pillow refuses images above 2x this (decompression bombs); 12 MP photos are far below.
MAX_PIXELS = 64_000_000
FORMATS_BY_SUFFIX = {
    ".jpg": "JPEG", ".jpeg": "JPEG", ".png": "PNG", ".webp": "WEBP", ".gif": "GIF",
    ".tif": "TIFF", ".tiff": "TIFF",
}


@dataclass(frozen=True)
class Derivative:
    name: str          # file name in the cache
    width: int
    height: int
    sha256: str        # of the file, for the open data (hashed once, when it is made)


@dataclass(frozen=True)
class MediaAsset:
    """One record image, with what the pages need to show and verify it."""

    item_id: str
    file: str
    sha256: str
    bytes: int
    width: int
    height: int
    thumb: Derivative
    display: Derivative

    def published_name(self, kind: str) -> str:
        return f"{Path(self.file).stem}-{kind}.webp"


@dataclass
class MediaResult:
    assets: dict[tuple[str, str], MediaAsset]
    processed: int          # images decoded and encoded in this run
    seconds: float
    cache_dir: Path
    # Item versions of this build, filled by `versions.item_version` (they hash the media).
    versions: dict[str, Any] = field(default_factory=dict, repr=False)

    def asset(self, item_id: str, file: str) -> MediaAsset:
        return self.assets[(item_id, file)]

    def cached_path(self, derivative: Derivative) -> Path:
        return self.cache_dir / derivative.name


Progress = Callable[[int, int], None]


def derive_media(catalogue: Catalogue, cache_dir: Path, *, workers: int | None = None,
                 progress: Progress | None = None) -> MediaResult:
    """Make sure every image of every record has its derivatives in `cache_dir`."""
    started = time.perf_counter()
    cache_dir.mkdir(parents=True, exist_ok=True)
    manifest_path = cache_dir / "manifest.json"
    manifest = _read_manifest(manifest_path)
    assets: dict[tuple[str, str], MediaAsset] = {}
    jobs: list[tuple[str, str, str, int, str | None]] = []  # id, file, path, mtime, known hash

    for record in catalogue.records:
        for media in record.media:
            path = catalogue.folder(record.id) / media.file
            stat = path.stat()
            key = f"{record.id}/{media.file}"
            entry = manifest.get(key)
            if entry and entry["size"] == stat.st_size and entry["mtime_ns"] == stat.st_mtime_ns \
                    and entry["version"] == PIPELINE_VERSION \
                    and all((cache_dir / entry[k]["name"]).is_file() for k in SIZES):
                assets[(record.id, media.file)] = _asset_from_entry(record.id, media.file, entry)
                continue
            jobs.append((record.id, media.file, str(path), stat.st_mtime_ns,
                         catalogue.image_sha256.get((record.id, media.file))))

    problems: list[Problem] = []
    done = 0
    if jobs:
        results = _run(jobs, cache_dir, workers)
        for (item_id, file, path, mtime_ns, _), result in zip(jobs, results):
            done += 1
            if progress:
                progress(done, len(jobs))
            if isinstance(result, str):
                problems.append(_media_problem(catalogue, item_id, file, result))
                continue
            entry = {"size": os.stat(path).st_size, "mtime_ns": mtime_ns,
                     "version": PIPELINE_VERSION, **result}
            manifest[f"{item_id}/{file}"] = entry
            assets[(item_id, file)] = _asset_from_entry(item_id, file, entry)
    if problems:
        raise CatalogueError(problems)
    if jobs:
        _write_manifest(manifest_path, manifest)
    return MediaResult(assets, processed=len(jobs), seconds=time.perf_counter() - started,
                       cache_dir=cache_dir)


def _run(jobs: list[tuple[str, str, str, int, str | None]], cache_dir: Path,
         workers: int | None) -> Iterator[dict | str]:
    """Results in the order of `jobs`, yielded as they finish so progress stays live."""
    paths = [path for _, _, path, _, _ in jobs]
    digests = [digest for *_, digest in jobs]
    workers = workers or min(_usable_cpus(), 4)
    # A process pool pays off only for more than a handful of images (start-up ~0.1 s).
    if workers <= 1 or len(jobs) < 4:
        yield from (_derive_safely(path, str(cache_dir), digest) for path, digest in zip(paths, digests))
        return
    # Chunks small enough that no worker idles at the end, large enough to amortise the IPC.
    chunksize = max(1, min(16, len(paths) // (workers * 8)))
    with ProcessPoolExecutor(max_workers=workers) as pool:
        yield from pool.map(_derive_safely, paths, [str(cache_dir)] * len(paths), digests,
                            chunksize=chunksize)


def _usable_cpus() -> int:
    # The CPUs this process may run on (a container or `taskset` can allow fewer than exist).
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _derive_safely(path: str, cache_dir: str, digest: str | None = None) -> dict | str:
    """Worker entry point: derivatives as a manifest entry, or a message saying what is wrong."""
    try:
        return _derive(Path(path), Path(cache_dir), digest)
    except Image.DecompressionBombError:
        return f"image is too large to process safely (over {MAX_PIXELS // 1_000_000} megapixels)"
    except UnidentifiedImageError:
        return "not a readable image (corrupt, or not an image at all)"
    except (OSError, SyntaxError, ValueError) as exc:
        return f"image could not be decoded: {exc}"


def _derive(path: Path, cache_dir: Path, digest: str | None = None) -> dict | str:
    # The image check usually hashed the file already; otherwise hash here, in the worker,
    # which keeps it off the single-threaded main process.
    digest = digest or _sha256(path)
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(path)
        except Image.DecompressionBombWarning:
            raise Image.DecompressionBombError("bomb") from None
    with image:
        expected = FORMATS_BY_SUFFIX.get(path.suffix.lower())
        # Pillow names a camera JPEG with extra frames (MPF) "MPO"; it is a JPEG all the same.
        found = "JPEG" if image.format == "MPO" else image.format
        if found != expected:
            return (f"the file's content is {found or 'unknown'}, "
                    f"but its extension says {expected or path.suffix}")
        width, height = image.size
        turned = image.getexif().get(_ORIENTATION) in _QUARTER_TURNS
        if turned:
            width, height = height, width
        # Decode a JPEG at 1/2, 1/4 or 1/8 scale straight away (a 12 MP photo: half the
        # decoding, a quarter of the pixels to resize). Pillow picks the largest reduction
        # that stays at or above the requested size on both sides, so ask for the display
        # size itself, in the file's own (unrotated) orientation.
        display_w, display_h = _fit((width, height), SIZES["display"])
        image.draft("RGB", (display_h, display_w) if turned else (display_w, display_h))
        image.load()
        # Apply the EXIF orientation before the EXIF is dropped.
        ImageOps.exif_transpose(image, in_place=True)
        mode = "RGBA" if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info else "RGB"
        pixels = image.convert(mode) if image.mode != mode else image
        pixels.info = {}  # nothing from the original travels with the pixels
        # Display copy: after `draft` at most a 2x reduction is left. Bilinear does it in 18 ms
        # for a 12 MP photo; bicubic takes 25 ms (a quarter of the whole budget at 18 photos/s)
        # for about 1 dB of PSNR on grainy photos after WebP.
        display = pixels.resize((display_w, display_h), Image.Resampling.BILINEAR, reducing_gap=3.0) \
            if pixels.size != (display_w, display_h) else pixels
        # The thumbnail comes from the display copy (16x fewer pixels than a 12 MP original);
        # a 2x box reduction then bicubic matches full Lanczos after WebP, in a third of the time.
        thumb_size = _fit(display.size, SIZES["thumb"])
        thumb = display.resize(thumb_size, Image.Resampling.BICUBIC, reducing_gap=2.0) \
            if display.size != thumb_size else display
        entry: dict = {"sha256": digest, "width": width, "height": height}
        for kind, copy in (("display", display), ("thumb", thumb)):
            name = f"{digest}-{kind}-{PIPELINE_VERSION}.webp"
            encoded = io.BytesIO()
            copy.save(encoded, "WEBP", quality=QUALITY[kind], method=WEBP_METHOD[kind],
                      exif=b"", xmp=b"", icc_profile=None)
            data = encoded.getvalue()
            tmp = cache_dir / f".{name}.{os.getpid()}.tmp"
            tmp.write_bytes(data)
            os.replace(tmp, cache_dir / name)
            entry[kind] = {"name": name, "width": copy.width, "height": copy.height,
                           "sha256": hashlib.sha256(data).hexdigest()}
    return entry


def _fit(size: tuple[int, int], limit: int) -> tuple[int, int]:
    """`size` scaled down (never up) to `limit` pixels wide, and at most 4x that high."""
    width, height = size
    scale = min(limit / width, limit * 4 / height, 1.0)
    return max(1, round(width * scale)), max(1, round(height * scale))


def _asset_from_entry(item_id: str, file: str, entry: dict) -> MediaAsset:
    return MediaAsset(item_id=item_id, file=file, sha256=entry["sha256"], bytes=entry["size"],
                      width=entry["width"], height=entry["height"],
                      thumb=Derivative(**entry["thumb"]), display=Derivative(**entry["display"]))


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _media_problem(catalogue: Catalogue, item_id: str, file: str, message: str) -> Problem:
    record = catalogue.by_id[item_id]
    index = [m.file for m in record.media].index(file)
    shown, line, column = catalogue.where(item_id, ("media", index, "file"))
    return Problem(shown, f"{file}: {message}", line=line, column=column,
                   field=f"media[{index}].file", code="bad-image",
                   hint="replace the file with a valid image of the stated type")


def _read_manifest(path: Path) -> dict[str, dict]:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return {}


def _write_manifest(path: Path, manifest: dict[str, dict]) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(manifest, sort_keys=True))
    os.replace(tmp, path)


def terminal_progress(label: str) -> Progress | None:
    """A count-and-ETA line on a terminal; nothing when output is not a terminal."""
    if not sys.stderr.isatty():
        return None
    started = time.perf_counter()

    def report(done: int, total: int) -> None:
        elapsed = time.perf_counter() - started
        eta = elapsed / done * (total - done) if done else 0
        end = "\n" if done == total else ""
        sys.stderr.write(f"\r{label}: {done}/{total} images, about {eta:.0f} s left   {end}")
        sys.stderr.flush()

    return report


# --- published originals ----------------------------------------------------
# An original is published byte for byte (its SHA-256 is on the page, so anyone can
# verify it), so it cannot be cleaned on the way out: one that carries metadata is
# refused, and the editor strips it (the pixels stay the same) or keeps it unpublished.

# Byte patterns of metadata blocks, whatever the container: a last check after the
# structure walk below, for blocks hidden where a parser would not look.
_SIGNATURES = {
    b"Exif\x00\x00": "EXIF",
    b"<x:xmpmeta": "XMP",
    b"http://ns.adobe.com/xap/1.0/": "XMP",
    b"Photoshop 3.0\x00": "IPTC (Photoshop)",
    b"XMP DataXMP": "XMP",
    b"ICC_PROFILE\x00": "an ICC colour profile",
}
# Chunks that only describe pixels and colour; anything else in a PNG is metadata.
_PNG_PIXEL_CHUNKS = {b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"gAMA", b"cHRM", b"sRGB", b"pHYs",
                     b"sBIT", b"bKGD", b"hIST", b"acTL", b"fcTL", b"fdAT", b"cICP", b"mDCv", b"cLLi"}
_PNG_NAMES = {b"tEXt": "text", b"zTXt": "text", b"iTXt": "text", b"eXIf": "EXIF",
              b"iCCP": "an ICC colour profile", b"tIME": "a modification time"}
_WEBP_PIXEL_CHUNKS = {b"VP8 ", b"VP8L", b"VP8X", b"ALPH", b"ANIM", b"ANMF"}
_WEBP_NAMES = {b"EXIF": "EXIF", b"XMP ": "XMP", b"ICCP": "an ICC colour profile"}
# TIFF tags that describe the pixels' layout; any other tag is metadata (make, date, GPS...).
_TIFF_LAYOUT_TAGS = {254, 255, 256, 257, 258, 259, 262, 266, 273, 277, 278, 279, 282, 283, 284,
                     296, 317, 320, 322, 323, 324, 325, 338, 339}
_GPS_IFD = 0x8825


def original_metadata(path: Path) -> list[str]:
    """What in an image file tells more than its pixels: EXIF (GPS), XMP, IPTC, ICC, comments...

    Empty when the file is clean. The file's structure is walked (JPEG segments, PNG
    and WebP chunks, TIFF tags), then its bytes are searched for known metadata blocks.
    """
    data = path.read_bytes()
    found: list[str] = []
    try:
        if data.startswith(b"\xff\xd8"):
            found += _jpeg_metadata(data)
        elif data.startswith(b"\x89PNG\r\n\x1a\n"):
            found += _png_metadata(data)
        elif data[:4] == b"RIFF" and data[8:12] == b"WEBP":
            found += _webp_metadata(data)
        elif data[:4] in (b"II*\x00", b"MM\x00*"):
            found += _tiff_metadata(path)
        elif data[:6] in (b"GIF87a", b"GIF89a"):
            found += _gif_metadata(path)
    except (IndexError, ValueError, OSError, SyntaxError):
        found.append("a malformed structure that cannot be checked")
    found += [label for pattern, label in _SIGNATURES.items() if pattern in data]
    if "EXIF" in found and _has_gps(path):
        found = ["EXIF (with a GPS position)" if f == "EXIF" else f for f in found]
    return list(dict.fromkeys(found))


def _jpeg_metadata(data: bytes) -> list[str]:
    found = []
    pos = 2
    while pos + 4 <= len(data):
        if data[pos] != 0xFF:
            raise ValueError("not a JPEG marker")
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker == 0xDA or marker == 0xD9:  # start of scan: the pixel data follows
            break
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:
            pos += 2
            continue
        length = int.from_bytes(data[pos + 2:pos + 4], "big")
        body = data[pos + 4:pos + 2 + length]
        if marker == 0xFE:
            found.append("a comment")
        elif marker == 0xE0 and not body.startswith(b"JFIF\x00"):
            found.append("an embedded thumbnail" if body.startswith(b"JFXX") else "APP0 data")
        elif marker == 0xE1:
            found.append("EXIF" if body.startswith(b"Exif") else "XMP" if b"adobe" in body[:40] else "APP1 data")
        elif marker == 0xE2:
            found.append("an ICC colour profile" if body.startswith(b"ICC_PROFILE") else
                         "extra embedded images (MPF)" if body.startswith(b"MPF") else "APP2 data")
        elif marker == 0xED:
            found.append("IPTC (Photoshop)")
        elif 0xE3 <= marker <= 0xEF and marker != 0xEE:  # APP14 (Adobe) only names the colour transform
            found.append(f"APP{marker - 0xE0} data")
        pos += 2 + length
    end = data.rfind(b"\xff\xd9")
    if end != -1 and data[end + 2:].strip(b"\x00\r\n"):
        found.append("data after the end of the image")
    return found


def _png_metadata(data: bytes) -> list[str]:
    found = []
    pos = 8
    while pos + 8 <= len(data):
        length = int.from_bytes(data[pos:pos + 4], "big")
        kind = data[pos + 4:pos + 8]
        if kind not in _PNG_PIXEL_CHUNKS:
            found.append(_PNG_NAMES.get(kind, f"a '{kind.decode('latin-1')}' chunk"))
        pos += 12 + length
        if kind == b"IEND":
            if data[pos:].strip(b"\x00\r\n"):
                found.append("data after the end of the image")
            break
    return found


def _webp_metadata(data: bytes) -> list[str]:
    found = []
    pos = 12
    while pos + 8 <= len(data):
        kind = data[pos:pos + 4]
        length = int.from_bytes(data[pos + 4:pos + 8], "little")
        if kind not in _WEBP_PIXEL_CHUNKS:
            found.append(_WEBP_NAMES.get(kind, f"a '{kind.decode('latin-1')}' chunk"))
        pos += 8 + length + (length & 1)
    return found


def _tiff_metadata(path: Path) -> list[str]:
    from PIL import TiffTags

    with Image.open(path) as image:
        tags = [tag for tag in image.tag_v2 if tag not in _TIFF_LAYOUT_TAGS]
    return [f"the TIFF tag {TiffTags.lookup(tag).name}" for tag in tags]


def _gif_metadata(path: Path) -> list[str]:
    with Image.open(path) as image:
        return ["a comment"] if image.info.get("comment") else []


def _has_gps(path: Path) -> bool:
    try:
        with Image.open(path) as image:
            return bool(image.getexif().get_ifd(_GPS_IFD))
    except (OSError, ValueError, SyntaxError):
        return False


def _and_list(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def check_published_originals(catalogue: Catalogue) -> list[Problem]:
    """A problem for every `publish_original: true` file that would publish metadata."""
    problems = []
    for record in catalogue.records:
        for index, item in enumerate(record.media):
            if not item.publish_original:
                continue
            path = catalogue.folder(record.id) / item.file
            if not path.is_file():
                continue  # the loader reports a missing file
            found = original_metadata(path)
            if not found:
                continue
            shown, line, column = catalogue.where(record.id, ("media", index, "publish_original"))
            problems.append(Problem(
                shown, f"{item.file} carries {_and_list(found)}; the original is published byte for byte, "
                       "so that would be published too", line=line, column=column,
                field=f"media[{index}].publish_original", code="original-metadata",
                hint="strip the metadata from the file (e.g. `exiftool -all= FILE`; the pixels stay the same), "
                     "or set publish_original: false to publish only the metadata-free copies"))
    return problems


__all__ = ["MediaAsset", "MediaResult", "check_published_originals", "derive_media", "original_metadata", "terminal_progress", "asdict"]
