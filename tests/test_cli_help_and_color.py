"""Issue 18, `--help` and colour as a newcomer meets them: the command list in whole sentences
(read without importing any command), an Examples section in each command's help whose
options all exist, and colour as ruff, cargo and gh decide it: a terminal gets it unless
NO_COLOR is set; `--color always|never` overrides both."""

from __future__ import annotations

import os
import pty
import shlex
import subprocess
import sys

import click
import pytest
from click.testing import CliRunner

from dashsmith.cli import COMMANDS, EXAMPLES, SUMMARIES, main

ANSI = "\x1b["


def test_the_command_list_is_whole_sentences_without_importing_a_command():
    script = ("import sys; from click.testing import CliRunner; "
              "from dashsmith.cli import main; "
              "out = CliRunner().invoke(main, ['--help']).output; print(out); "
              "print(sorted(m for m in sys.modules if m.startswith('dashsmith.commands.')))")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip().splitlines()[-1] == "[]"
    listed = result.stdout.split("Commands:")[1]
    for name in COMMANDS:
        assert SUMMARIES[name].endswith("."), name
        assert f"  {name}" in listed
    assert "..." not in listed  # no summary cut mid-sentence


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_each_command_has_examples_with_options_it_takes(name):
    result = CliRunner().invoke(main, [name, "--help"])
    assert result.exit_code == 0, result.output
    help_text = result.output
    assert "Examples:" in help_text
    command = main.get_command(click.Context(main), name)
    assert command is not None
    options = {opt for param in command.params for opt in (*param.opts, *param.secondary_opts)}
    for example, why in EXAMPLES[name]:
        assert f"$ {example}" in help_text and why in help_text
        words = shlex.split(example)
        words = words[words.index("dashsmith"):]  # after any VAR=value
        assert words[1] == name, example
        for word in words[2:]:
            if word.startswith("-"):
                assert word in options, f"{example}: {word} is not an option of {name}"


# --- colour ------------------------------------------------------------------------------------

def _lint_with_a_warning(project):
    ai = project / "dashboards" / "ai.py"
    ai.write_text(ai.read_text().replace('unit="reqpm"', 'unit="seconds"', 1))


def _run(project, *args, terminal: bool, **env):
    """`dashsmith --project P ARGS...`; its stdout a terminal (a pseudo-terminal) or a pipe."""
    environment = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    environment.update(env)
    command = [sys.executable, "-m", "dashsmith", "--project", str(project), *args]
    if not terminal:
        return subprocess.run(command, capture_output=True, text=True, env=environment,
                              timeout=120).stdout
    controller, child = pty.openpty()
    try:
        process = subprocess.Popen(command, stdout=child, stderr=subprocess.DEVNULL,
                                   env=environment)
        os.close(child)
        chunks = []
        while True:
            try:
                chunk = os.read(controller, 65536)
            except OSError:  # the terminal closes when the child exits
                break
            if not chunk:
                break
            chunks.append(chunk)
        process.wait(timeout=120)
    finally:
        os.close(controller)
    return b"".join(chunks).decode()


def test_a_terminal_gets_colour_unless_no_color_is_set(project):
    _lint_with_a_warning(project)
    assert ANSI in _run(project, "lint", "--no-tools", terminal=True)
    assert ANSI not in _run(project, "lint", "--no-tools", terminal=True, NO_COLOR="1")
    assert ANSI not in _run(project, "--color", "never", "lint", "--no-tools", terminal=True)


def test_color_always_colours_a_pipe_and_never_an_empty_no_color(project):
    _lint_with_a_warning(project)
    assert ANSI not in _run(project, "lint", "--no-tools", terminal=False)
    assert ANSI in _run(project, "--color", "always", "lint", "--no-tools", terminal=False)
    assert ANSI in _run(project, "--color", "always", "lint", "--no-tools", terminal=False,
                        NO_COLOR="1")
    # no-color.org: only a non-empty NO_COLOR turns colour off
    assert ANSI in _run(project, "lint", "--no-tools", terminal=True, NO_COLOR="")
