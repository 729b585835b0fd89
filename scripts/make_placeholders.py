"""Generate the placeholder images of the sample catalogue.

The sample records in `evidence/` describe screenshots, photographs and video
stills that the source report refers to. Real images of atrocities, of
prisoners of war or of children are never committed to this repository, so
each such `media` entry points at a generated placeholder instead: a plain
card that says "PLACEHOLDER", gives the item ID and one neutral line on what
it stands in for, and states that it is not a real image.

One placeholder (`HS-0002/placeholder-appeal-page.jpg`) deliberately carries
fake EXIF metadata, including GPS coordinates and a camera make/model/artist
of "Placeholder camera". It exists so that tests can prove the publishing
pipeline strips metadata from every image it publishes. The coordinates are
made up and mean nothing.

Output is deterministic: running the script twice produces byte-identical
files (no timestamps are written and the drawing uses Pillow's built-in
font). Run it from anywhere:

    python scripts/make_placeholders.py
"""

from __future__ import annotations

import argparse
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

EVIDENCE = Path(__file__).resolve().parent.parent / "evidence"
SIZE = (800, 600)
MAX_BYTES = 60_000
BACKGROUND = (203, 213, 225)  # neutral grey-blue
BORDER = (100, 116, 139)
INK = (30, 41, 59)

# EXIF tag numbers (see PIL.ExifTags.Base and PIL.ExifTags.GPS).
MAKE, MODEL, ARTIST, GPS_IFD = 0x010F, 0x0110, 0x013B, 0x8825
FAKE_GPS: dict[int, object] = {
    1: "N",  # GPSLatitudeRef
    2: (40.0, 10.0, 0.0),  # GPSLatitude: degrees, minutes, seconds
    3: "E",  # GPSLongitudeRef
    4: (44.0, 30.0, 0.0),  # GPSLongitude
}


@dataclass(frozen=True)
class Placeholder:
    """One placeholder image to generate."""

    item_id: str
    file: str
    stands_in_for: str
    fake_exif: bool = False

    def path(self, evidence: Path) -> Path:
        return evidence / self.item_id / self.file


PLACEHOLDERS: tuple[Placeholder, ...] = (
    Placeholder("HS-0001", "placeholder-tweet.png",
                "screenshot of the post on the Twitter account @presidentaz"),
    Placeholder("HS-0002", "placeholder-appeal-page.jpg",
                "screenshot of the web page publishing the appeal of 28 September 2020",
                fake_exif=True),
    Placeholder("HS-0005", "placeholder-reuters-article.png",
                "screenshot of the Reuters article on the UEFA ban"),
    Placeholder("HS-0007", "placeholder-child-poll.png",
                "social media poll with a photo of a child (not published)"),
    Placeholder("HS-0010", "placeholder-2016-images.png",
                "images of the April 2016 case circulated on social media (not published)"),
    Placeholder("HS-0011", "placeholder-pow-video-still.png",
                "video still of prisoners of war (not published)"),
    Placeholder("HS-0012", "placeholder-social-media-poll.png",
                "social media post with a photo of a killed soldier (not published)"),
)


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """Pillow's bundled default font at `size` (scalable since Pillow 10.1)."""
    return ImageFont.load_default(size=size)


def _centred(draw: ImageDraw.ImageDraw, y: int, text: str,
             font: ImageFont.FreeTypeFont | ImageFont.ImageFont) -> int:
    """Draw `text` centred horizontally with its top at `y`; return the next free y."""
    left, top, right, bottom = draw.textbbox((0, 0), text, font=font)
    x = (SIZE[0] - (right - left)) // 2 - left
    draw.text((x, y - top), text, font=font, fill=INK)
    return y + (bottom - top)


def render(spec: Placeholder) -> Image.Image:
    """Draw the placeholder card for `spec`."""
    image = Image.new("RGB", SIZE, BACKGROUND)
    draw = ImageDraw.Draw(image)
    draw.rectangle((12, 12, SIZE[0] - 13, SIZE[1] - 13), outline=BORDER, width=6)
    y = 110
    y = _centred(draw, y, "PLACEHOLDER", _font(96)) + 40
    y = _centred(draw, y, spec.item_id, _font(48)) + 50
    lines = textwrap.wrap(f"stands in for: {spec.stands_in_for}", width=48)
    for line in lines:
        y = _centred(draw, y, line, _font(26)) + 12
    _centred(draw, SIZE[1] - 110, "Not a real image", _font(40))
    return image


def fake_exif() -> Image.Exif:
    """EXIF with a made-up camera and GPS position, for metadata-stripping tests."""
    exif = Image.Exif()
    exif[MAKE] = "Placeholder camera"
    exif[MODEL] = "Placeholder camera"
    exif[ARTIST] = "Placeholder camera"
    exif.get_ifd(GPS_IFD).update(FAKE_GPS)
    return exif


def write(spec: Placeholder, evidence: Path) -> Path:
    """Render and save one placeholder; return its path."""
    path = spec.path(evidence)
    if not path.parent.is_dir():
        raise FileNotFoundError(f"{path.parent} does not exist: create the record before its placeholder")
    image = render(spec)
    if path.suffix.lower() in (".jpg", ".jpeg"):
        options: dict[str, object] = {"quality": 80, "optimize": True}
        if spec.fake_exif:
            options["exif"] = fake_exif()
        image.save(path, "JPEG", **options)
    elif path.suffix.lower() == ".png":
        if spec.fake_exif:
            raise ValueError(f"{spec.file}: fake EXIF is only written to JPEG placeholders")
        # A 16-colour palette keeps the card small and the output stable.
        image.quantize(colors=16, dither=Image.Dither.NONE).save(path, "PNG", optimize=True)
    else:
        raise ValueError(f"{spec.file}: use a .png or .jpg name")
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise ValueError(f"{path} is {size} bytes; placeholders must stay under {MAX_BYTES}")
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--evidence", type=Path, default=EVIDENCE,
                        help="the evidence folder (default: %(default)s)")
    args = parser.parse_args(argv)
    for spec in PLACEHOLDERS:
        path = write(spec, args.evidence)
        print(f"wrote {path} ({path.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
