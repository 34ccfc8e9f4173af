"""Assertions on what a command printed, shared by the CLI tests of every capability."""

from __future__ import annotations

from typer.testing import Result


def flat(text: str) -> str:
    """Whitespace collapsed, so that Rich's wrapping of long lines does not matter."""
    return " ".join(text.split())


def assert_user_error(result: Result, *fragments: str) -> None:
    """Exit 1 with a message, not a traceback."""
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    for fragment in fragments:
        assert fragment in flat(result.output), result.output
