"""Every command's ``--help`` reads as whole sentences at any terminal width (issue 19, item 7):
no line of prose ends early because the docstring had a line break there in the source."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator

import pytest
import typer
import typer.main
from typer.testing import CliRunner

from kpibridge.cli.app import app
from kpibridge.cli.help import reflow_help, whole_sentences

WIDTHS = (60, 80, 120)
CELL = re.compile(r"\S+(?: \S+)*")
"""A cell of a rendered line: words separated by single spaces (cells are two or more apart)."""


def command_paths() -> list[list[str]]:
    """The argument path of every command and group of ``kpibridge`` (the root is ``[]``)."""

    def walk(command: object, path: list[str]) -> Iterator[list[str]]:
        yield path
        for name, sub in sorted(getattr(command, "commands", {}).items()):
            yield from walk(sub, [*path, name])

    return list(walk(typer.main.get_command(app), []))


def stray_breaks(text: str, width: int) -> list[str]:
    """Lines of rendered help that end although the next line's first word would have fitted:
    a line break the source put there, not the terminal.

    A rendered line is split in cells; the last cell of a line continues on the next line when
    the next line's last cell starts in the same column (the description column of a panel, a
    paragraph outside the panels) and the next line has no other cell. Option metadata
    (``[default: …]``) and list items start their own line on purpose."""
    found = []
    lines = text.splitlines()
    for line, following in itertools.pairwise(lines):
        edge = line.rfind("│") if line.rstrip().endswith("│") else width
        if following.rstrip().endswith("│") != line.rstrip().endswith("│"):
            continue
        cells = [m for m in CELL.finditer(line[:edge]) if m.group() != "│"]
        next_cells = [
            m
            for m in CELL.finditer(
                following[: following.rfind("│")] if "│" in following else following
            )
            if m.group() != "│"
        ]
        if not cells or not next_cells:
            continue
        last, continued = cells[-1], next_cells[-1]
        if len(next_cells) > 1 or continued.start() != last.start():
            continue  # a new row of a panel, or a cell wrapping in another column
        if continued.group().startswith(("[", "- ", "* ")):
            continue
        first_word = continued.group().split(" ")[0]
        if last.end() + 1 + len(first_word) < edge - 1:
            found.append(f"{line.rstrip()}\n{following.rstrip()}")
    return found


def render_help(target: typer.Typer, path: list[str], width: int) -> str:
    result = CliRunner().invoke(
        target, [*path, "--help"], env={"COLUMNS": str(width), "NO_COLOR": "1"}
    )
    assert result.exit_code == 0, result.output
    return result.output


def test_the_walk_reaches_every_command() -> None:
    paths = command_paths()
    assert ["compute"] in paths
    assert ["round", "results"] in paths
    assert ["proposals", "approve"] in paths
    assert ["voice", "themes"] in paths
    assert len(paths) > 40


@pytest.mark.parametrize("width", WIDTHS)
def test_every_help_reads_as_whole_sentences(width: int) -> None:
    problems = {
        " ".join(["kpibridge", *path]): breaks
        for path in command_paths()
        if (breaks := stray_breaks(render_help(app, path, width), width))
    }
    assert not problems, problems


def hard_wrapped_app(reflowed: bool) -> typer.Typer:
    """A one-command app whose docstring is wrapped in the source, as ours are."""
    demo = typer.Typer(add_completion=False)

    @demo.command()
    def compute() -> None:
        """Compute a KPI per period (and per dimension value); a KPI versioned in the app store
        with each period's definition version in force.

        Without --effective a change takes effect today, except the first version of a KPI
        applied by an admin, which is in force since always."""

    @demo.command()
    def other() -> None:
        """Another command, so that the app lists its commands."""

    if reflowed:
        reflow_help(demo)
    return demo


@pytest.mark.parametrize("width", WIDTHS)
def test_the_check_finds_a_docstring_break_and_reflow_removes_it(width: int) -> None:
    """The check is not blind: Typer's own rendering of a hard-wrapped docstring fails it (in
    the list of commands and in the command's help), the reflowed one passes."""
    assert stray_breaks(render_help(hard_wrapped_app(False), [], width), width)
    assert stray_breaks(render_help(hard_wrapped_app(False), ["compute"], width), width)
    assert not stray_breaks(render_help(hard_wrapped_app(True), [], width), width)
    assert not stray_breaks(render_help(hard_wrapped_app(True), ["compute"], width), width)


def test_whole_sentences_keeps_paragraphs_and_lists() -> None:
    text = """First line
    goes on.

    Second paragraph
    goes on too.

    - a list item
    - another one
    """
    assert whole_sentences(text) == (
        "First line goes on.\n\nSecond paragraph goes on too.\n\n- a list item\n- another one"
    )
