"""Turn kpibridge errors into a readable message and exit code 1, never a traceback."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

import typer
from rich.markup import escape

from kpibridge.cli.render import make_console
from kpibridge.errors import KpibridgeError, WorkspaceError

F = TypeVar("F", bound=Callable[..., Any])


def user_errors(command: F) -> F:
    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except WorkspaceError as error:
            stderr = make_console(stderr=True)
            for issue in error.issues:
                stderr.print(f"[red]error[/red] {escape(str(issue))}", soft_wrap=True)
            stderr.print(f"[red]{len(error.issues)} problem(s)[/red]")
            raise typer.Exit(1) from None
        except KpibridgeError as error:
            stderr = make_console(stderr=True)
            stderr.print(f"[red]error:[/red] {escape(str(error))}")
            raise typer.Exit(1) from None

    return wrapper  # type: ignore[return-value]
