"""Publishing a finished build atomically: `site/` is either the old site or the new one.

A build writes into a sibling temporary folder; only when it has fully
succeeded is that folder swapped in. A failed build leaves `site/` untouched.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path


def staging_dir(final: Path) -> Path:
    return final.with_name(f"{final.name}.building-{os.getpid()}")


def swap_into_place(staging: Path, final: Path) -> None:
    old = final.with_name(f"{final.name}.old-{os.getpid()}")
    if final.exists():
        os.replace(final, old)
    os.replace(staging, final)
    shutil.rmtree(old, ignore_errors=True)


def discard(staging: Path) -> None:
    shutil.rmtree(staging, ignore_errors=True)
