"""A deterministic synthetic evidence catalogue, for the benchmark and for tests.

`write_catalogue(evidence, n)` writes `catalogue.yaml` (the sample's, so the
sections and vocabularies are real) and `n` records with one image each. Item
`i` depends only on the seed and on `i`, never on `n`: item SY-00042 is the
same in a catalogue of 100 and of 10,000 items, so page sizes can be compared
across sizes. `related` only points at earlier items for the same reason.

Lengths follow the sample: titles of 60-120 characters, 1-3 statements of
100-600 characters in English, Azerbaijani (Latin: ə ş ğ ı), Turkish, Russian
(Cyrillic) or Armenian, with an English translation; a 300-800 character
summary citing a source as `[^key]`; 2-4 sources. About 15 % of items carry a
graphic content warning, and a few more have one graphic image.

`write_photos(folder, k)` writes `k` 12-megapixel JPEGs that compress like
photographs (smooth colour fields plus grain, 3-5 MB each).
"""

from __future__ import annotations

import random
import shutil
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import yaml
from PIL import Image, ImageDraw, ImageFilter

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_CATALOGUE = ROOT / "evidence" / "catalogue.yaml"
PREFIX = "SY"
IMAGE_SIZE = (800, 600)
PHOTO_SIZE = (4000, 3000)
PHOTO_QUALITY = 90

# Words a reader would type, per language; sentences are drawn from them.
WORDS: dict[str, list[str]] = {
    "en": """armenians enemy war land victory people state flag soldier country hatred revenge
        children city village history border peace truth president minister said must will
        destroy drive out never forgive occupied territory historic ancient our their every
        last blood homeland traitors terrorists negotiations army defeat honour martyrs nation
        heroes shame fight until end return lands fascists vandals savages proud glory brave
        strike deserve punishment remember always""".split(),
    "az": """ermənilər düşmən müharibə torpaq qələbə xalq dövlət bayraq əsgər ölkə nifrət qisas
        uşaqlar şəhər kənd tarix sərhəd sülh həqiqət prezident nazir dedi mütləq məhv qovmaq
        heç vaxt bağışlamaq işğal ərazi qədim bizim onların hər son qan vətən xainlər
        terrorçular danışıqlar ordu məğlubiyyət şərəf şəhidlər millət qəhrəmanlar ayıb
        döyüş qayıdış faşistlər vəhşilər qürur şöhrət cəsur zərbə cəza yaddaş ağır güclü""".split(),
    "tr": """ermeniler düşman savaş toprak zafer halk devlet bayrak asker ülke nefret intikam
        çocuklar şehir köy tarih sınır barış gerçek cumhurbaşkanı bakan dedi mutlaka yok
        etmek kovmak asla affetmek işgal bölge kadim bizim onların her son kan vatan hainler
        teröristler müzakereler ordu yenilgi onur şehitler millet kahramanlar utanç
        mücadele dönüş faşistler vahşiler gurur şan cesur darbe ceza hatıra ağır güçlü""".split(),
    "ru": """армяне враг война земля победа народ государство флаг солдат страна ненависть
        месть дети город деревня история граница мир правда президент министр заявил должны
        уничтожить изгнать никогда простить оккупированные территории древние наши их каждый
        последний кровь родина предатели террористами переговоров армия поражение честь
        мученики нация герои позор бороться конца вернуть фашисты вандалы дикари гордость
        слава храбрые удар наказание помнить всегда""".split(),
    "hy": """հայեր թշնամի պատերազմ հող հաղթանակ ժողովուրդ պետություն դրոշ զինվոր երկիր
        ատելություն վրեժ երեխաներ քաղաք գյուղ պատմություն սահման խաղաղություն ճշմարտություն
        նախագահ նախարար ասաց պետք է ոչնչացնել վտարել երբեք ներել գրավված տարածք հնագույն
        մեր նրանց ամեն վերջին արյուն հայրենիք դավաճաններ ահաբեկիչներ բանակցություններ բանակ
        պարտություն պատիվ նահատակներ ազգ հերոսներ ամոթ պայքար վերադարձ""".split(),
}
LANGS = ["en", "az", "tr", "ru", "hy"]
FIRST_NAMES = ["Elvin", "Rashad", "Leyla", "Aysel", "Mehmet", "Orxan", "Nigar", "Tural", "Samir",
               "Gunel", "Farid", "Kamran", "Sevda", "Ilgar", "Zaur", "Aynur"]
LAST_NAMES = ["Mammadov", "Aliyeva", "Huseynov", "Guliyev", "Hasanova", "Ismayilov", "Yilmaz",
              "Demir", "Kaya", "Abbasov", "Karimova", "Babayev", "Rzayev", "Najafova"]
ROLES = ["Member of Parliament", "Deputy Minister", "Television presenter", "Football coach",
         "Blogger", "Singer", "Head of a district administration", "Columnist", "Army officer"]
TAGS = ["dehumanisation", "war", "2020 war", "April 2016", "military", "poll", "video", "school",
        "monument", "prisoners", "children", "religion", "history", "land claims", "sports",
        "music", "television", "official website", "anniversary", "parade"]
PUBLISHERS = ["Office of the Human Rights Defender", "News agency", "Daily newspaper",
              "Television channel", "Monitoring group", "University research centre"]
LEGAL = ["ICERD, article 4", "ICCPR, article 20(2)", "Geneva Convention III, article 13",
         "Convention on the Rights of the Child, article 19", "ECHR, article 10(2)"]


def item_id(index: int) -> str:
    return f"{PREFIX}-{index:05d}"


def write_catalogue(evidence: Path, items: int, *, seed: int = 1, workers: int = 1,
                    photos: bool = False) -> list[str]:
    """Write the sample's catalogue.yaml and `items` synthetic records into `evidence`.

    With `photos`, every item's image is a 12-megapixel JPEG (see `write_photos`)."""
    evidence.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(SAMPLE_CATALOGUE, evidence / "catalogue.yaml")
    vocabularies = _vocabularies()
    indices = range(1, items + 1)
    if workers <= 1 or items < (4 if photos else 200):
        for index in indices:
            _write_item(evidence, index, seed, vocabularies, photos)
    else:
        # Image encoding dominates; items are independent, so split them across processes.
        chunks = [list(indices[i::workers]) for i in range(workers)]
        with ProcessPoolExecutor(max_workers=workers) as pool:
            list(pool.map(_write_items, [evidence] * workers, chunks, [seed] * workers,
                          [vocabularies] * workers, [photos] * workers))
    return [item_id(i) for i in indices]


def _write_items(evidence: Path, indices: Iterable[int], seed: int, vocabularies: dict[str, list[str]],
                 photos: bool) -> None:
    for index in indices:
        _write_item(evidence, index, seed, vocabularies, photos)


def _vocabularies() -> dict[str, list[str]]:
    info = yaml.safe_load(SAMPLE_CATALOGUE.read_text(encoding="utf-8"))
    terms = {name: [t["id"] for t in values] for name, values in info["vocabularies"].items()}
    terms["sections"] = [s["id"] for s in info["sections"]]
    return terms


def _write_item(evidence: Path, index: int, seed: int, vocabularies: dict[str, list[str]],
                photos: bool = False) -> None:
    rng = random.Random(f"{seed}:{index}")
    folder = evidence / item_id(index)
    folder.mkdir(exist_ok=True)
    record, image_kind = make_record(index, rng, vocabularies)
    if photos:
        record["media"][0]["file"] = "photo.jpg"
    image = folder / record["media"][0]["file"]
    if photos:
        _photo(rng).save(image, "JPEG", quality=PHOTO_QUALITY)
    elif image_kind == "photo":
        _photo_like(rng, index).save(image, "JPEG", quality=85, optimize=False)
    else:
        _screenshot_like(rng, index).save(image, "PNG", compress_level=3)
    text = "# Synthetic record for benchmarks; not real evidence.\n" + yaml.dump(
        record, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100)
    (folder / "record.yaml").write_text(text, encoding="utf-8")


def make_record(index: int, rng: random.Random, vocabularies: dict[str, list[str]]) -> tuple[dict, str]:
    """One record as plain data, and the kind of image it holds ('photo' or 'screenshot')."""
    level = rng.choices(["none", "distressing", "graphic"], weights=[50, 35, 15])[0]
    speaker_type = rng.choice(vocabularies["speaker_types"])
    name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
    platform = rng.choice(vocabularies["platforms"])
    sources = _sources(rng)
    keys = [s["key"] for s in sources]
    statements = [_statement(rng, keys) for _ in range(rng.randint(1, 3))]
    year = rng.randint(2016, 2023)
    date_kind = rng.random()
    record: dict = {"id": item_id(index)}
    record["title"] = _title(rng, name, platform)
    record["section"] = rng.choice(vocabularies["sections"])
    if date_kind > 0.05:
        month, day = rng.randint(1, 12), rng.randint(1, 28)
        record["date"] = (f"{year}-{month:02d}-{day:02d}" if date_kind > 0.3
                          else f"{year}-{month:02d}" if date_kind > 0.15 else str(year))
    else:
        record["date_note"] = "The source does not date the statement."
    record["speaker"] = ({"name": name, "role": rng.choice(ROLES), "type": speaker_type}
                         if speaker_type != "unknown" else {"type": "unknown"})
    record["platform"] = platform
    record["target_groups"] = rng.sample(vocabularies["target_groups"], rng.randint(1, 3))
    record["tags"] = rng.sample(TAGS, rng.randint(1, 4))
    record["statements"] = statements
    record["summary"] = _prose(rng, 300, 800, keys)
    if rng.random() < 0.6:
        record["context"] = _prose(rng, 200, 600, keys)
    record["content_warning"] = {"level": level}
    if level != "none":
        record["content_warning"]["topics"] = rng.sample(vocabularies["content_warning_topics"],
                                                         rng.randint(1, 3))
    kind = "photo" if rng.random() < 0.7 else "screenshot"
    record["media"] = [{
        "file": "photo.jpg" if kind == "photo" else "screenshot.png",
        "alt": _words(rng, "en", 40, 120).capitalize() + ".",
        "caption": _words(rng, "en", 30, 160).capitalize() + ".",
        "graphic": level == "graphic" or rng.random() < 0.05,
        "source": rng.choice(keys),
    }]
    record["sources"] = sources
    if index > 1 and rng.random() < 0.4:
        record["related"] = sorted({item_id(rng.randint(1, index - 1)) for _ in range(rng.randint(1, 3))})
    if rng.random() < 0.5:
        record["legal"] = rng.sample(LEGAL, rng.randint(1, 2))
    if rng.random() < 0.01:
        record["status"] = "withdrawn"
        record["withdrawn_reason"] = "The source was found to misattribute the statement."
        record["withdrawn_date"] = f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    record["revisions"] = [{"date": f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                            "note": "First published."}]
    return record, kind


def _title(rng: random.Random, name: str, platform: str) -> str:
    prefix = f'{name} on {platform.replace("-", " ")}: "'
    quote = _words(rng, "en", 40, 100)
    # Whole words only, and the closing quote kept, within 120 characters.
    while len(prefix) + len(quote) + 1 > 120:
        quote = quote.rsplit(" ", 1)[0]
    return f'{prefix}{quote}"'


def _statement(rng: random.Random, keys: list[str]) -> dict:
    lang = rng.choice(LANGS)
    statement: dict = {"text": _sentences(rng, lang, 100, 600), "lang": lang}
    if lang != "en":
        statement["translation"] = {"text": _sentences(rng, "en", 100, 600), "lang": "en",
                                    "by": "the catalogue's editors"}
    statement["source"] = rng.choice(keys)
    return statement


def _sources(rng: random.Random) -> list[dict]:
    sources = []
    for n in range(rng.randint(2, 4)):
        key = "report" if n == 0 else f"s{n}"
        source: dict = {"key": key, "title": _words(rng, "en", 40, 140).capitalize(),
                        "url": f"https://example.org/{key}/{rng.randrange(10**9)}",
                        "publisher": rng.choice(PUBLISHERS), "date": str(rng.randint(2016, 2023))}
        # A well-kept catalogue archives every source (a missing archive is a warning).
        source["accessed"] = f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        source["archive_url"] = f"https://web.archive.org/web/2024/{source['url']}"
        if rng.random() < 0.5:
            source["note"] = f"Footnote {rng.randint(1, 90)}."
        sources.append(source)
    return sources


def _prose(rng: random.Random, low: int, high: int, keys: list[str]) -> str:
    text = _sentences(rng, "en", low, high)
    # A footnote reference after the first sentence, as editors write them.
    first, _, rest = text.partition(". ")
    return f"{first}.[^{rng.choice(keys)}] {rest}".strip()


def _sentences(rng: random.Random, lang: str, low: int, high: int) -> str:
    target = rng.randint(low, high)
    out = ""
    while len(out) < target:
        out += _words(rng, lang, 40, 110).capitalize() + ". "
    return out[:target].rsplit(" ", 1)[0].rstrip(".,") + "."


def _words(rng: random.Random, lang: str, low: int, high: int) -> str:
    target = rng.randint(low, high)
    words: list[str] = []
    length = 0
    while length < target:
        word = rng.choice(WORDS[lang])
        words.append(word)
        length += len(word) + 1
    return " ".join(words)


class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
    # Records never use anchors or aliases (the loader rejects them).
    def ignore_aliases(self, data: object) -> bool:
        return True


# --- images ---------------------------------------------------------------


def _photo_like(rng: random.Random, index: int) -> Image.Image:
    # A few random colours blown up into smooth fields, shapes on top, and the item ID,
    # so every image is distinct and compresses roughly like a small photo.
    field = Image.frombytes("RGB", (8, 6), rng.randbytes(8 * 6 * 3)).resize(IMAGE_SIZE, Image.Resampling.BICUBIC)
    draw = ImageDraw.Draw(field)
    for _ in range(6):
        x, y = rng.randrange(IMAGE_SIZE[0]), rng.randrange(IMAGE_SIZE[1])
        r = rng.randint(20, 160)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=tuple(rng.randbytes(3)))
    draw.text((20, 20), item_id(index), fill=(255, 255, 255))
    return field.filter(ImageFilter.SMOOTH)


def _screenshot_like(rng: random.Random, index: int) -> Image.Image:
    image = Image.new("RGB", IMAGE_SIZE, (250, 250, 250))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, IMAGE_SIZE[0], 60), fill=tuple(rng.randbytes(3)))
    draw.text((20, 22), f"{item_id(index)} · synthetic screenshot", fill=(255, 255, 255))
    y = 90
    while y < IMAGE_SIZE[1] - 30:
        draw.text((40, y), _words(rng, "en", 40, 90), fill=(30, 30, 30))
        y += 24
    return image


def write_photos(folder: Path, count: int, *, seed: int = 1) -> list[Path]:
    """`count` distinct 4000x3000 JPEGs of 3-5 MB each."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for n in range(count):
        rng = random.Random(f"photo:{seed}:{n}")
        path = folder / f"photo-{n:04d}.jpg"
        _photo(rng).save(path, "JPEG", quality=PHOTO_QUALITY)
        paths.append(path)
    return paths


def _photo(rng: random.Random) -> Image.Image:
    width, height = PHOTO_SIZE
    # Smooth colour fields (a scene) plus grain at full resolution (sensor noise and texture).
    scene = Image.frombytes("RGB", (16, 12), rng.randbytes(16 * 12 * 3)).resize(PHOTO_SIZE, Image.Resampling.BICUBIC)
    draw = ImageDraw.Draw(scene)
    for _ in range(40):  # hard edges, as objects in a scene have
        x, y, r = rng.randrange(width), rng.randrange(height), rng.randint(40, 600)
        shape = draw.ellipse if rng.random() < 0.5 else draw.rectangle
        shape((x - r, y - r // 2, x + r, y + r // 2), fill=tuple(rng.randbytes(3)))
    grain = Image.frombytes("L", (width // 2, height // 2), rng.randbytes(width * height // 4))
    grain = grain.resize(PHOTO_SIZE, Image.Resampling.BILINEAR).convert("RGB")
    return Image.blend(scene, grain, 0.22)


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("evidence", type=Path, help="folder to write (created)")
    parser.add_argument("--items", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    write_catalogue(args.evidence, args.items, seed=args.seed, workers=2)
