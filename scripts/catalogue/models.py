"""Typed models of the catalogue description and of one evidence record.

These models are the schema: validation, the exported JSON Schema
(`evidence/record.schema.json`), editor autocompletion and the field reference
in the docs all come from them. Every field carries a description because the
docs are generated from it (a test fails when one is missing).
"""

from __future__ import annotations

import re
from datetime import date as Date
from datetime import datetime
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    WithJsonSchema,
    model_validator,
)

ID_PATTERN = r"^[A-Za-z0-9]+(-[A-Za-z0-9]+)*$"
_PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_LANG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


def _as_text(value: object) -> object:
    # YAML reads `2020` as a number and `2020-10-03` as a date; records keep dates as text.
    if isinstance(value, (int, Date)) and not isinstance(value, bool):
        return str(value)
    return value


def _check_partial_date(value: str) -> str:
    match = _PARTIAL_DATE.match(value)
    if not match:
        raise ValueError("a date is written YYYY, YYYY-MM or YYYY-MM-DD, e.g. 2020-10-03")
    year, month, day = match.groups()
    try:
        Date(int(year), int(month or 1), int(day or 1))
    except ValueError as exc:
        raise ValueError(f"'{value}' is not a real calendar date ({exc})") from None
    return value


def _check_lang(value: str) -> str:
    if not _LANG.match(value):
        raise ValueError("a language is a BCP 47 tag such as 'en', 'ru', 'az-Latn' or 'hy'")
    return value


PartialDate = Annotated[
    str,
    BeforeValidator(_as_text),
    AfterValidator(_check_partial_date),
    # YAML reads a bare year as a number, so editors must accept one too.
    WithJsonSchema({
        "anyOf": [{"type": "string", "pattern": _PARTIAL_DATE.pattern},
                  {"type": "integer", "minimum": 1000, "maximum": 9999}],
        "examples": ["2020", "2020-10", "2020-10-03"],
    }),
]
FullDate = Annotated[
    Date,
    Field(description="A full date, YYYY-MM-DD."),
]
LangTag = Annotated[
    str,
    AfterValidator(_check_lang),
    Field(json_schema_extra={"pattern": _LANG.pattern}, examples=["en", "ru", "az-Latn", "hy"]),
]
ItemId = Annotated[str, Field(pattern=ID_PATTERN, max_length=64, examples=["AZ-0001"])]
SourceKey = Annotated[str, Field(pattern=_KEY.pattern, max_length=64, examples=["report", "fn7"])]
Url = Annotated[str, Field(pattern=r"^https?://\S+$", description="An http(s) address.")]
Text = Annotated[str, Field(min_length=1)]


class Strict(BaseModel):
    """Unknown fields are errors: a typo must never be silently ignored."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)


# --- catalogue.yaml -------------------------------------------------------


class Term(Strict):
    id: Annotated[str, Field(pattern=ID_PATTERN, description="Identifier used in records.")]
    label: Text = Field(description="Name shown to readers.")
    description: Text = Field(description="What the term covers, shown in the glossary.")


class Section(Strict):
    id: Annotated[str, Field(pattern=ID_PATTERN, description="Identifier used in `section` of a record; also the section's URL.")]
    title: Text = Field(description="Heading of the section page.")
    description: Text = Field(description="Introduction shown on the section page (Markdown).")


class Vocabularies(Strict):
    speaker_types: list[Term] = Field(description="Allowed values of `speaker.type`.")
    platforms: list[Term] = Field(description="Allowed values of `platform`.")
    content_warning_topics: list[Term] = Field(description="Allowed values of `content_warning.topics`.")
    target_groups: list[Term] = Field(description="Allowed values of `target_groups`.")


class Licence(Strict):
    name: Text = Field(description="Licence name, e.g. CC BY 4.0.")
    url: Url | None = Field(default=None, description="Licence text.")


class CatalogueInfo(Strict):
    title: Text = Field(description="Catalogue title, shown in the header and in citations.")
    publisher: Text = Field(description="Organisation that publishes the catalogue.")
    description: Text = Field(description="Introduction on the home page (Markdown).")
    site_url: Url = Field(description="Public address of the site; permalinks are built on it.")
    language: LangTag = Field(default="en", description="Language of the site's own text.")
    licence: Licence = Field(description="Licence of the catalogue's text and data.")
    sections: list[Section] = Field(min_length=1, description="Sections, in the order shown.")
    vocabularies: Vocabularies = Field(description="Controlled vocabularies records draw on.")


# --- record.yaml ----------------------------------------------------------


class Speaker(Strict):
    name: Text | None = Field(default=None, description="Name as published; omit when unknown.")
    role: Text | None = Field(default=None, description="Position or role when speaking, e.g. 'President of Azerbaijan'.")
    type: str = Field(default="unknown", description="Speaker type, from the `speaker_types` vocabulary.")


class Translation(Strict):
    text: Text = Field(description="The translated text.")
    lang: LangTag = Field(default="en", description="Language of the translation (BCP 47).")
    by: Text | None = Field(default=None, description="Who translated it, e.g. the report or the catalogue's editors.")


class Statement(Strict):
    text: Text = Field(description="The words as said or written, in the original language.")
    lang: LangTag = Field(description="Language of `text` (BCP 47), e.g. 'ru', 'az', 'tr', 'hy', 'en'.")
    translation: Translation | None = Field(default=None, description="A translation for readers of the site's language.")
    source: SourceKey | None = Field(default=None, description="Key of the source that attests the statement.")


class ContentWarning(Strict):
    level: Literal["none", "distressing", "graphic"] = Field(description="none, distressing (text) or graphic (media hidden until the reader chooses).")
    topics: list[str] = Field(default_factory=list, description="Topics, from the `content_warning_topics` vocabulary.")


class Media(Strict):
    file: Text = Field(description="File name of the image, in the record's folder.")
    alt: Text = Field(description="Text alternative, read out by screen readers; neutral words.")
    caption: Text | None = Field(default=None, description="Caption shown under the image.")
    graphic: bool = Field(default=False, description="True hides the image until the reader chooses to see it.")
    captured: datetime | Date | None = Field(default=None, description="When the original was captured (date-time or date).")
    source: SourceKey | None = Field(default=None, description="Key of the source the image comes from.")
    publish_original: bool = Field(default=False, description="Publish the original file; by default only metadata-free derivatives are published and the original is held by the publisher.")
    placeholder: bool = Field(default=False, description="True marks a generated placeholder standing in for an image not published here.")


class Source(Strict):
    key: SourceKey = Field(description="Short key, cited as [^key] in summary and context.")
    title: Text = Field(description="Title of the source.")
    url: Url | None = Field(default=None, description="Address of the source.")
    publisher: Text | None = Field(default=None, description="Who published the source.")
    date: PartialDate | None = Field(default=None, description="Publication date (full or partial).")
    accessed: FullDate | None = Field(default=None, description="When the address was last checked.")
    archive_url: Url | None = Field(default=None, description="Address of an archived copy.")
    note: Text | None = Field(default=None, description="What in the source supports the item, e.g. 'footnote 7'.")


class Revision(Strict):
    date: FullDate = Field(description="When the record was changed.")
    note: Text = Field(description="What changed and why.")


class Record(Strict):
    id: ItemId = Field(description="Permanent identifier; equals the folder name. Letters, digits and hyphens.")
    title: Text = Field(max_length=300, description="Short neutral title.")
    section: str = Field(description="Id of the section the item belongs to (see catalogue.yaml).")
    date: PartialDate | None = Field(default=None, description="When it was said or shown: YYYY, YYYY-MM or YYYY-MM-DD. Omit when unknown.")
    date_note: Text | None = Field(default=None, description="Note on the date, e.g. how it was established.")
    speaker: Speaker = Field(default_factory=Speaker, description="Who said or published it.")
    platform: str | None = Field(default=None, description="Where it appeared, from the `platforms` vocabulary.")
    target_groups: list[str] = Field(default_factory=list, description="Groups targeted, from the `target_groups` vocabulary.")
    tags: list[Text] = Field(default_factory=list, description="Free keywords.")
    statements: list[Statement] = Field(default_factory=list, description="The words said or written, each in its original language.")
    summary: Text = Field(description="What the item is and why it matters (Markdown; raw HTML is shown as text).")
    context: Text | None = Field(default=None, description="Background (Markdown; raw HTML is shown as text).")
    content_warning: ContentWarning = Field(description="Warning shown before any content.")
    media: list[Media] = Field(default_factory=list, description="Images, in the record's folder.")
    sources: list[Source] = Field(min_length=1, description="Sources, rendered as numbered footnotes.")
    related: list[ItemId] = Field(default_factory=list, description="IDs of related items (they must exist).")
    legal: list[Text] = Field(default_factory=list, description="Legal instruments engaged, e.g. 'ICERD, article 4'.")
    status: Literal["published", "withdrawn"] = Field(default="published", description="published, or withdrawn (the page stays and says so).")
    withdrawn_reason: Text | None = Field(default=None, description="Why the item was withdrawn; required when status is withdrawn.")
    withdrawn_date: FullDate | None = Field(default=None, description="When the item was withdrawn.")
    revisions: list[Revision] = Field(default_factory=list, description="Changelog: one entry per published change, oldest first.")

    @model_validator(mode="after")
    def _withdrawal_is_explained(self) -> "Record":
        if self.status == "withdrawn" and not self.withdrawn_reason:
            raise ValueError("a withdrawn record needs `withdrawn_reason`")
        if self.status == "published" and (self.withdrawn_reason or self.withdrawn_date):
            raise ValueError("`withdrawn_reason` and `withdrawn_date` only go with `status: withdrawn`")
        return self

    @property
    def is_graphic(self) -> bool:
        return self.content_warning.level == "graphic"

    def media_is_hidden(self, media: Media) -> bool:
        """Hidden behind a placeholder until the reader opts in."""
        return media.graphic or self.is_graphic


class MovedRecord(Strict):
    """A tombstone: the item's URL now redirects to another item."""

    id: ItemId = Field(description="The old, permanent identifier; equals the folder name.")
    moved_to: ItemId = Field(description="ID of the item that replaces this one; its old URL redirects there.")
    title: Text | None = Field(default=None, description="Title the item had, shown on the redirect page.")
    note: Text | None = Field(default=None, description="Why the item moved, e.g. merged into another item.")
