"""Help text that reads as written: docstrings wrapped at 95 columns in the source come out as
whole sentences, wrapped by the terminal at its own width.

Typer prints a docstring's later paragraphs (and a command's one-line summary in the list of
commands) with their source line breaks kept, so ``kpibridge --help`` broke sentences in the
middle at any width but the one the source was written at. :func:`reflow_help` joins the
lines of each paragraph of every command's and group's help once, after registration.
"""

from __future__ import annotations

import inspect

import typer

KEEP_LINES = ("- ", "* ", "  ", "\b")
"""A paragraph with a line starting so is a list or an example: its lines stay as written."""


def whole_sentences(text: str) -> str:
    """``text`` with the lines of each paragraph joined by spaces (paragraphs stay apart;
    lists, indented examples and click's ``\\b`` blocks stay as written)."""
    paragraphs = inspect.cleandoc(text).split("\n\n")
    joined = []
    for paragraph in paragraphs:
        lines = paragraph.splitlines()
        if any(line.startswith(KEEP_LINES) for line in lines):
            joined.append(paragraph)
        else:
            joined.append(" ".join(line.strip() for line in lines if line.strip()))
    return "\n\n".join(joined)


def reflow_help(app: typer.Typer) -> None:
    """Rewrite the help of every command and group registered on ``app`` (recursively) with
    :func:`whole_sentences`; call it once, after every capability registered its commands."""
    if app.info.help is not None and isinstance(app.info.help, str):
        app.info.help = whole_sentences(app.info.help)
    for command in app.registered_commands:
        text = command.help if command.help is not None else inspect.getdoc(command.callback)
        if text:
            command.help = whole_sentences(text)
    for group in app.registered_groups:
        if isinstance(group.help, str):
            group.help = whole_sentences(group.help)
        if group.typer_instance is not None:
            reflow_help(group.typer_instance)
