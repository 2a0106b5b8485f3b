"""`showroom-train`: trains the bundled pre-score models."""

from __future__ import annotations

import argparse
import sys


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="showroom-train",
        description=(
            "Trains the pre-score models bundled with the desk. The training pipeline "
            "arrives with the pre-score models; this build has no command yet."
        ),
    )
    parser.add_subparsers(dest="command", metavar="COMMAND")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command is None:
        build_parser().print_help(sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
