"""An item's version: its number, its last update and a content fingerprint.

The fingerprint lets a citation name exactly what was read: it is the start of
the SHA-256 of the record's canonical JSON (sorted keys, no whitespace) plus
the SHA-256 of each image, so any change to the text or the media changes it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date

from .loader import Catalogue
from .media import MediaResult
from .models import Record

FINGERPRINT_LENGTH = 12


@dataclass(frozen=True)
class ItemVersion:
    number: int
    updated: str | None   # ISO date of the latest revision
    fingerprint: str


def canonical_content(record: Record, media: MediaResult) -> dict:
    content = record.model_dump(mode="json", exclude_none=True)
    content["media_sha256"] = [media.asset(record.id, m.file).sha256 for m in record.media]
    return content


def fingerprint(record: Record, media: MediaResult) -> str:
    canonical = json.dumps(canonical_content(record, media), sort_keys=True,
                           separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:FINGERPRINT_LENGTH]


def item_version(record: Record, catalogue: Catalogue, media: MediaResult) -> ItemVersion:
    # The page, its head tags, the citations and the exports all ask: compute it once a build.
    cached = media.versions.get(record.id)
    if cached is not None:
        return cached
    updated: date | None = max((r.date for r in record.revisions), default=None)
    version = ItemVersion(number=max(len(record.revisions), 1),
                          updated=updated.isoformat() if updated else None,
                          fingerprint=fingerprint(record, media))
    media.versions[record.id] = version
    return version
