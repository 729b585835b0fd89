"""Command line: `python -m catalogue <command>` (with `scripts/` on PYTHONPATH).

Commands:
  new [--title T] [--section S] [--id ID]
                    create the next free ID's folder with a commented record.yaml
  check [--format text|json]
                    check every record and image without building; exit 1 on any error
  schema            write evidence/*.schema.json from the models
  export DIR        write the generated Markdown pages and media into DIR
  register          add new item IDs to evidence/published.txt (a successful build does too)
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .problems import CatalogueError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="catalogue", description="Evidence catalogue tools.")
    parser.add_argument("--evidence", type=Path, default=Path("evidence"), help="evidence folder (default: evidence)")
    commands = parser.add_subparsers(dest="command", required=True)
    new = commands.add_parser("new", help="create the next record's folder with a commented record.yaml")
    new.add_argument("--title", help="the item's title")
    new.add_argument("--section", help="the section id (see catalogue.yaml)")
    new.add_argument("--id", dest="item_id", help="use this ID instead of the next free one")
    check = commands.add_parser("check", help="check every record and image without building the site")
    check.add_argument("--format", choices=["text", "json"], default="text", help="json: for tools")
    commands.add_parser("schema", help="write the JSON Schemas for records and catalogue.yaml")
    export = commands.add_parser("export", help="write the generated Markdown site into a folder")
    export.add_argument("out", type=Path)
    commands.add_parser("register", help="add new item IDs to the registry of published IDs")
    args = parser.parse_args(argv)

    if args.command == "check":
        return _check(args.evidence, args.format)
    if args.command == "new":
        return _new(args.evidence, args.item_id, args.title, args.section)
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
        elif args.command == "register":
            from .registry import check_and_register, registry_path

            added = check_and_register(args.evidence)
            print(f"registered {len(added)} new ID(s) in {registry_path(args.evidence)}"
                  + (f": {', '.join(added)}" if added else ""))
    except CatalogueError as exc:
        print(exc.report(), file=sys.stderr)
        return 1
    return 0


def _check(evidence: Path, output: str) -> int:
    from .check import run_check
    from .media import terminal_progress
    from .problems import Problem, display_path

    try:
        result = run_check(evidence, cache=evidence.parent / ".cache",
                           progress=terminal_progress("Checking images") if output == "text" else None)
        problems, summary = result.problems, result.summary()
    except Exception as exc:  # noqa: BLE001 - a maintainer sees a sentence, never a traceback
        problems = [Problem(display_path(evidence), f"the check itself failed ({type(exc).__name__}: {exc})",
                            code="internal", hint="this is a bug; please report it with this message")]
        summary = "the check could not finish."
    if output == "json":
        print(json.dumps([p.to_json() for p in problems], indent=2, ensure_ascii=False))
    else:
        for problem in problems:
            print(problem.format())
        print(summary)
    return 1 if any(p.severity == "error" for p in problems) else 0


def _new(evidence: Path, item_id: str | None, title: str | None, section: str | None) -> int:
    from .template import NewRecordError, create_record

    try:
        created = create_record(evidence, item_id=item_id, title=title, section=section)
    except (NewRecordError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"Created {created.path}\n"
          f"Next: fill in the blanks in that file, put any images beside it, then run `make check`.")
    return 0
