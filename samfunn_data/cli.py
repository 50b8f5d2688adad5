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
    "fetch": ("fetch", "hent en SSB-tabell til rålageret og si hva som ble lagret"),
    "municipalities": ("municipalities", "list kommuner med folketall, fylke og størrelse"),
    "build": ("build", "bygg faktagrunnlaget (data/processed) fra lageret og øyeblikksbildet"),
    "update": ("update", "hent alle kildetabeller fra SSB, bygg på nytt og si hva som endret seg"),
    "changes": ("changes", "vis hva som har endret seg for en kommune siden et tidligere år eller en "
                "tidligere bygging"),
    "reports": ("reports", "lag kunnskapsgrunnlaget for hver kommune (HTML, og Word og PDF om ønsket)"),
    "network-report": ("network_report", "lag nettverksoversikten for forskerne"),
    "screen": ("screen", "vurder søkerkommuner til nettverket"),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="samfunn", description="Kunnskapsgrunnlag fra SSB for små kommuner")
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
