"""`showroom-central`: the reference central leasing service's command line."""

from __future__ import annotations

import argparse
import sys


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="showroom-central",
        description=(
            "Reference central leasing service (sandbox for --demo, tests and integrators). "
            "Its commands (serve, activation-code, issue-token, review) arrive with the "
            "service itself; this build has none yet."
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
