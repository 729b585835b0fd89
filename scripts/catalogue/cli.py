"""Command line: `python -m catalogue <command>` (with `scripts/` on PYTHONPATH).

Commands:
  schema            write evidence/*.schema.json from the models
  export DIR        write the generated Markdown pages and media into DIR
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .problems import CatalogueError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="catalogue", description="Evidence catalogue tools.")
    parser.add_argument("--evidence", type=Path, default=Path("evidence"), help="evidence folder (default: evidence)")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("schema", help="write the JSON Schemas for records and catalogue.yaml")
    export = commands.add_parser("export", help="write the generated Markdown site into a folder")
    export.add_argument("out", type=Path)
    args = parser.parse_args(argv)

    try:
        if args.command == "schema":
            from .schema import write_schemas

            for path in write_schemas(args.evidence):
                print(f"wrote {path}")
        elif args.command == "export":
            from .pages import build_site, write_markdown

            build = build_site(args.evidence, args.evidence.parent / ".cache")
            write_markdown(build.site, args.out)
            print(f"wrote {len(build.site.pages)} pages and {len(build.site.files)} files to {args.out}")
    except CatalogueError as exc:
        print(exc.report(), file=sys.stderr)
        return 1
    return 0
