"""Print an HTML document to PDF with headless Chromium (Debian's ``chromium`` package).

Chromium rather than WeasyPrint: it is already what the browser tests drive, it prints the
inlined SVG charts and CSS exactly as the page shows them, and it adds no Python dependency
(WeasyPrint would add Pango, cairo-style rendering and its own CSS subset). The HTML is written
to a temporary file and printed from a ``file://`` URL; ``--no-pdf-header-footer`` leaves out
the browser's date and URL lines.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from kpibridge.errors import KpibridgeError

logger = logging.getLogger(__name__)

BROWSERS = ("chromium", "chromium-browser", "google-chrome")
CHROMIUM_ENV = "KPIBRIDGE_CHROMIUM"
"""Path of the browser to print with, when it is not one of :data:`BROWSERS` on the PATH."""
TIMEOUT_SECONDS = 120


def find_chromium() -> str:
    """The browser's path; raises KpibridgeError naming what to install when there is none."""
    configured = os.environ.get(CHROMIUM_ENV)
    if configured:
        if Path(configured).is_file():
            return configured
        raise KpibridgeError(f"${CHROMIUM_ENV} is {configured!r}, which is not a file")
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    raise KpibridgeError(
        "printing a PDF needs headless Chromium, and no chromium is installed: "
        f"apt-get install chromium (or set ${CHROMIUM_ENV} to a Chromium binary); "
        "write --out review.html for the HTML pack"
    )


def html_to_pdf(html: str, out: Path, browser: str | None = None) -> None:
    """Print ``html`` to ``out`` (A4). ``out`` is only replaced when printing succeeded."""
    executable = browser or find_chromium()
    with tempfile.TemporaryDirectory(prefix="kpibridge-pdf-") as folder:
        page = Path(folder) / "review.html"
        page.write_text(html, encoding="utf-8")
        printed = Path(folder) / "review.pdf"
        command = [
            executable,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--no-first-run",
            f"--user-data-dir={Path(folder) / 'profile'}",
            "--no-pdf-header-footer",
            f"--print-to-pdf={printed}",
            page.as_uri(),
        ]
        try:
            finished = subprocess.run(
                command, capture_output=True, text=True, timeout=TIMEOUT_SECONDS, check=False
            )
        except subprocess.TimeoutExpired:
            raise KpibridgeError(
                f"{executable} did not print the PDF within {TIMEOUT_SECONDS} s"
            ) from None
        if not printed.is_file() or printed.stat().st_size == 0:
            detail = (finished.stderr or finished.stdout).strip().splitlines()[-3:]
            raise KpibridgeError(
                f"{executable} exited {finished.returncode} without writing a PDF: "
                + " | ".join(detail)
            )
        shutil.move(str(printed), out)
    logger.info("printed %s with %s", out, executable)
