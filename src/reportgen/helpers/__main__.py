"""`python -m reportgen.helpers --readme [README.md]`: rewrite the README's helper tables from the registry."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from . import GROUPS, helper_table_markdown, update_readme


def main(argv: Sequence[str] | None = None) -> int:
    """Print the tables, or rewrite (or, with --check, only compare) the README in place."""
    parser = argparse.ArgumentParser(prog="python -m reportgen.helpers", description=__doc__)
    parser.add_argument("--readme", metavar="PATH", nargs="?", const="README.md", help="the README to rewrite")
    parser.add_argument("--check", action="store_true", help="only report whether the README is up to date")
    arguments = parser.parse_args(argv)
    if arguments.readme is None:
        sys.stdout.write("\n".join(helper_table_markdown(group) for group in GROUPS))
        return 0
    path = Path(arguments.readme)
    text = path.read_text(encoding="utf-8")
    updated = update_readme(text)
    if updated == text:
        return 0
    if arguments.check:
        print(f"{path}: the helper tables differ from the registry; run python -m reportgen.helpers --readme {path}")
        return 1
    path.write_text(updated, encoding="utf-8")
    print(f"{path}: helper tables rewritten")
    return 0


if __name__ == "__main__":
    sys.exit(main())
