"""Browse pages stay bounded and item pages keep their size however many items there are.

Two synthetic catalogues (scripts/synthetic.py: item SY-00001 is the same record
whatever the catalogue's size) are built for real: a small one, and one with
more than two listing pages of items.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import synthetic
from catalogue import urls
from conftest import build_ok, make_project

SMALL = 3
LARGE = 2 * urls.PAGE_SIZE + 7
CARD = re.compile(r'<li class="ec-card">')


def _build(tmp_path_factory: pytest.TempPathFactory, items: int) -> Path:
    evidence = tmp_path_factory.mktemp(f"synthetic-{items}-evidence")
    synthetic.write_catalogue(evidence, items)
    return build_ok(make_project(tmp_path_factory.mktemp(f"synthetic-{items}"), evidence))


@pytest.fixture(scope="module")
def small_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _build(tmp_path_factory, SMALL)


@pytest.fixture(scope="module")
def large_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _build(tmp_path_factory, LARGE)


def _cards(site: Path, url: str) -> int:
    return len(CARD.findall((site / url / "index.html").read_text(encoding="utf-8")))


def test_the_chronology_is_split_into_pages_of_page_size(large_site: Path) -> None:
    pages = -(-LARGE // urls.PAGE_SIZE)
    counts = [_cards(large_site, urls.chronology(n)) for n in range(1, pages + 1)]
    assert counts == [urls.PAGE_SIZE] * (pages - 1) + [LARGE - urls.PAGE_SIZE * (pages - 1)]
    assert not (large_site / urls.chronology(pages + 1)).exists()
    first = (large_site / urls.chronology() / "index.html").read_text(encoding="utf-8")
    assert f'rel="next" href="{urls.relative(urls.chronology(), urls.chronology(2))}"' in first
    assert f"{LARGE} items, page 1 of {pages}" in first
    last = (large_site / urls.chronology(pages) / "index.html").read_text(encoding="utf-8")
    assert 'rel="prev"' in last and 'rel="next"' not in last


def test_no_listing_page_holds_more_than_a_page_of_items(large_site: Path) -> None:
    listings = list((large_site / "sections").rglob("index.html")) + list((large_site / "chronology").rglob("index.html"))
    assert len(listings) > 3
    total_in_sections = 0
    for listing in listings:
        cards = len(CARD.findall(listing.read_text(encoding="utf-8")))
        assert 0 < cards <= urls.PAGE_SIZE, listing
        if "sections" in listing.parts:
            total_in_sections += cards
    assert total_in_sections == LARGE, "every item is listed in its section, once"
    assert len(CARD.findall((large_site / "index.html").read_text(encoding="utf-8"))) <= urls.PAGE_SIZE


def test_item_pages_do_not_grow_with_the_catalogue(small_site: Path, large_site: Path) -> None:
    for index in range(1, SMALL + 1):
        page = urls.item(synthetic.item_id(index)) + "index.html"
        small = (small_site / page).stat().st_size
        large = (large_site / page).stat().st_size
        # The nav lists the sections, never the items: a page with 36x the items is the same size.
        assert abs(large - small) <= 0.01 * small, (page, small, large)
