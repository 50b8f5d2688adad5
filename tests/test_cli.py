"""The `samfunn` entry point: help, unknown commands, user errors as messages rather than tracebacks."""

import argparse
import re
import subprocess
import sys

import pytest

from samfunn_data import cli


def test_every_registered_command_has_a_module_with_the_command_interface():
    import importlib

    for name, (module_name, _help) in cli.COMMANDS.items():
        module = importlib.import_module(f"samfunn_data.commands.{module_name}")
        assert callable(module.add_arguments) and callable(module.run), name


def test_unknown_command_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as info:
        cli.main(["frobnicate"])
    assert info.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


def test_user_error_is_one_clear_line_and_exit_code_1(capsys):
    code = cli.main(["municipalities", "Atlantis"])
    err = capsys.readouterr().err
    assert code == 1
    assert err.startswith("samfunn municipalities: ")
    assert "'Atlantis'" in err and "firesifrede kommunenummeret" in err  # what was wrong, what to do
    assert "Traceback" not in err


def test_output_into_a_closed_pipe_is_not_an_error():
    # `samfunn municipalities | head -1` must not end in a BrokenPipeError traceback.
    proc = subprocess.run(
        f"{sys.executable} -m samfunn_data.cli municipalities --year 2020 | head -1",
        shell=True, capture_output=True, text=True, timeout=120,
    )
    assert proc.stdout.startswith("nr ")
    assert "Traceback" not in proc.stderr


# English words that never occur in bokmål (checked on the help a user reads, not on option names)
ENGLISH = re.compile(r"\b(the|only|when|with|which|this|into|default|instead|every|give|show)\b", re.I)


def test_every_command_and_option_is_explained_in_bokmal():
    import importlib

    texts = {"samfunn": cli.build_parser().description}
    for name, (module_name, help_text) in cli.COMMANDS.items():
        parser = argparse.ArgumentParser(prog=f"samfunn {name}", description=help_text)
        importlib.import_module(f"samfunn_data.commands.{module_name}").add_arguments(parser)
        texts[name] = help_text
        texts[f"{name} epilog"] = parser.epilog or ""
        for action in parser._actions:
            if action.help not in (None, argparse.SUPPRESS) and action.dest != "help":
                texts[f"{name} {action.dest}"] = action.help
    english = {where: ENGLISH.findall(text) for where, text in texts.items() if ENGLISH.search(text)}
    assert not english, english
