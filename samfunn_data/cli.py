"""The `samfunn` command. Each subcommand lives in `samfunn_data/commands/<name>.py`.

A command module defines `add_arguments(parser)` and `run(args) -> int`. It is imported only when
its command runs, so `samfunn --help` stays fast and one broken command cannot break the others.
Exit codes are the same for every command (`samfunn_data.errors.EXIT_*`, README "Exit codes").
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

from samfunn_data.errors import EXIT_ERROR, EXIT_OK, EXIT_USAGE, SamfunnError

# name -> (module under samfunn_data.commands, one-line help). An explicit registry, no discovery.
COMMANDS: dict[str, tuple[str, str]] = {
    "fetch": ("fetch", "fetch an SSB table into the raw store and say what was stored"),
    "municipalities": ("municipalities", "list municipalities with population, county and size"),
    "build": ("build", "build the fact base (data/processed) from the store and the snapshot"),
    "update": ("update", "fetch every source table from SSB, rebuild, and say what changed"),
    "changes": ("changes", "show what changed for a municipality since an earlier year or vintage"),
    "reports": ("reports", "render per-municipality fact-base reports to HTML"),
    "network-report": ("network_report", "render the researchers' network overview"),
    "screen": ("screen", "screen applicant municipalities for the network"),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="samfunn", description="SSB fact bases for small municipalities")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name, (_module, help_text) in COMMANDS.items():
        sub.add_parser(name, help=help_text, description=help_text, add_help=False)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] not in COMMANDS:
        build_parser().parse_args(argv)  # prints help or a usage error and exits (EXIT_USAGE)
        return EXIT_USAGE
    name, rest = argv[0], argv[1:]
    module = importlib.import_module(f"samfunn_data.commands.{COMMANDS[name][0]}")
    parser = argparse.ArgumentParser(prog=f"samfunn {name}", description=COMMANDS[name][1])
    module.add_arguments(parser)
    args = parser.parse_args(rest)
    try:
        return int(module.run(args) or EXIT_OK)
    except SamfunnError as exc:
        print(f"samfunn {name}: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except BrokenPipeError:
        # The reader (e.g. `| head`) closed early: not an error. Silence the flush at exit too.
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
