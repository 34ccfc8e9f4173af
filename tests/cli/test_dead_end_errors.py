"""Errors a new user meets on the demo say what to do next (issue 21 item 9)."""

from __future__ import annotations

import shutil
from pathlib import Path

from test_cli import assert_user_error, flat, invoke
from typer.testing import CliRunner


def test_versions_on_a_fresh_demo_says_what_to_run(
    runner: CliRunner, demo_root: Path, tmp_path: Path
) -> None:
    root = tmp_path / "demo"
    shutil.copytree(demo_root, root)  # the app store is created on first use
    no_admin = invoke(runner, "versions", "cac", "-w", root)
    assert_user_error(no_admin, "cac has no versions yet", "--as ADMIN", "--role admin")
    assert "unknown KPI in the app store" not in no_admin.output
    unknown = invoke(runner, "versions", "nosuch", "-w", root)
    assert_user_error(unknown, "unknown KPI 'nosuch'. Valid: ", "cac")
    added = invoke(
        runner,
        "user",
        "add",
        "boss",
        "--role",
        "admin",
        "-w",
        root,
        env={"KPIBRIDGE_PASSWORD": "a-long-password-1"},
    )
    assert added.exit_code == 0, added.output
    fresh = invoke(runner, "versions", "cac", "-w", root)
    assert_user_error(fresh, 'kpibridge apply --as boss --message "baseline"')
    # the command it names works, and afterwards versions lists the baseline
    admin = flat(fresh.output).split("--as ")[1].split()[0]
    applied = invoke(runner, "apply", "--as", admin, "--message", "baseline", "-w", root)
    assert applied.exit_code == 0, applied.output
    listed = invoke(runner, "versions", "cac", "-w", root)
    assert listed.exit_code == 0, listed.output
    assert "baseline" in listed.output


def test_voice_errors_list_the_valid_choices(runner: CliRunner, demo_root: Path) -> None:
    segment = invoke(runner, "voice", "nps", "--by", "channel", "-w", demo_root)
    assert_user_error(segment, "unknown segment 'channel'", "Valid: ", "region")
    theme = invoke(runner, "voice", "verbatims", "shipping", "-w", demo_root)
    assert_user_error(theme, "unknown theme 'shipping'", "Valid: ", "unthemed (no theme)")


def test_a_bad_period_gets_one_list_of_formats(runner: CliRunner, demo_root: Path) -> None:
    args = ("drivers", "conversion_rate", "--from", "2025-8", "--to", "2025-09", "--by", "device")
    result = invoke(runner, *args, "-w", demo_root)
    assert_user_error(result, "--from '2025-8' is not a period (did you mean 2025-08?)")
    text = flat(result.output)
    assert text.count("2026-Q3") == 1, text
    assert text.count("is not a period") == 1, text
