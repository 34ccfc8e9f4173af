"""The review pack's output: charts to SVG offline, the PDF printed by headless Chromium
with every section heading in its text (read back with poppler's ``pdftotext``), and clear
errors when the browser is missing or the file kind is unknown."""

from __future__ import annotations

import doctest
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from fixtures_demo import build_small_demo
from kpibridge.cli.app import app
from kpibridge.errors import KpibridgeError
from kpibridge.report.charts import kpi_chart_spec
from kpibridge.report.pdf import CHROMIUM_ENV, find_chromium, html_to_pdf
from kpibridge.report.review_charts import contributions_spec, status_counts_spec
from kpibridge.report.svg import vega_lite_to_svg
from kpibridge.services.reviews import review_render
from kpibridge.services.reviews.review_pack import SECTIONS

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def demo_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_small_demo(tmp_path_factory, "review-output")


def test_a_container_wide_chart_becomes_svg_of_a_fixed_width() -> None:
    values = pd.DataFrame({"period": ["2026-01-01", "2026-02-01"], "value": [1.0, 2.0]})
    spec = kpi_chart_spec(values, title="Revenue")
    assert spec["width"] == "container"
    svg = ET.fromstring(vega_lite_to_svg(spec, width=500))
    assert svg.tag == f"{SVG}svg"
    assert 500 <= float(svg.attrib["width"]) < 700  # the plot plus its axis


def test_status_and_contribution_bars_draw_one_bar_per_row() -> None:
    counts = {"on track": 3, "at risk": 2, "off track": 1, "no target": 0, "no data": 0}
    status = ET.fromstring(vega_lite_to_svg(status_counts_spec(counts, validate=True)))
    bars = [p for p in status.iter(f"{SVG}path") if p.attrib.get("aria-roledescription") == "bar"]
    assert len(bars) == len(counts)
    spec = contributions_spec([("email", 1.5), ("paid", -2.0)], title="change", validate=True)
    drawn = ET.fromstring(vega_lite_to_svg(spec))
    texts = {t.text for t in drawn.iter(f"{SVG}text")}
    assert {"email", "paid"} <= texts
    # colour by goodness: a rise is green for revenue, red for a cost (lower is better)
    for higher, rise in ((True, "#1a7f37"), (False, "#cf222e")):
        spec = contributions_spec([("email", 1.5)], title="change", higher_is_better=higher)
        bars = ET.fromstring(vega_lite_to_svg(spec)).iter(f"{SVG}path")
        assert [b.attrib["fill"] for b in bars if "fill" in b.attrib] == [rise]


def test_doctests() -> None:
    assert doctest.testmod(review_render).failed == 0


def test_no_browser_names_what_to_install(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv(CHROMIUM_ENV, raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(KpibridgeError, match="apt-get install chromium"):
        find_chromium()
    monkeypatch.setenv(CHROMIUM_ENV, str(tmp_path / "nowhere"))
    with pytest.raises(KpibridgeError, match="KPIBRIDGE_CHROMIUM"):
        html_to_pdf("<p>x</p>", tmp_path / "x.pdf")
    assert not (tmp_path / "x.pdf").exists()


def test_report_refuses_other_file_kinds(demo_root: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["report", "--out", str(tmp_path / "review.docx"), "-w", str(demo_root)]
    )
    assert result.exit_code == 1
    assert "write a .html, .pdf or .json file" in " ".join(result.output.split())
    assert not (tmp_path / "review.docx").exists()


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--as-of", "June"], "--as-of 'June' is not a date: write YYYY-MM-DD"),
        (["--round", "kpis-2072"], "kpis-2027"),  # the closest name is suggested
        (["--out", "/no/such/folder/review.html"], "the folder /no/such/folder does not exist"),
    ],
)
def test_report_input_errors_are_one_clear_line(
    demo_root: Path, tmp_path: Path, options: list[str], message: str
) -> None:
    arguments = ["report", "--out", str(tmp_path / "review.html"), "-w", str(demo_root)]
    result = CliRunner().invoke(app, arguments + options)
    assert result.exit_code == 1
    assert message in " ".join(result.output.split())
    assert "Traceback" not in result.output
    assert not (tmp_path / "review.html").exists()


def test_report_html_from_the_command_line(demo_root: Path, tmp_path: Path) -> None:
    out = tmp_path / "review.html"
    result = CliRunner().invoke(app, ["report", "--out", str(out), "-w", str(demo_root)])
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert 'src="http' not in html
    for _, heading in SECTIONS:
        assert f"<h2>{heading}</h2>" in html.replace("&amp;", "&")
    # the demo workspace has no app store file: the command does not create one
    assert "proposals: no app store yet" in " ".join(result.output.split())
    assert not (demo_root / ".kpibridge").exists()


@pytest.mark.browser
def test_report_pdf_has_every_section(demo_root: Path, tmp_path: Path) -> None:
    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext is missing: apt-get install poppler-utils")
    out = tmp_path / "review.pdf"
    result = CliRunner().invoke(app, ["report", "--out", str(out), "-w", str(demo_root)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes()[:5] == b"%PDF-"
    text = subprocess.run(
        ["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True, check=True
    ).stdout
    flat = " ".join(text.split())
    for _, heading in SECTIONS:
        assert heading in flat, heading
    assert "Review pack" in flat
    pages = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True, check=True)
    counts = [line.split()[-1] for line in pages.stdout.splitlines() if line.startswith("Pages")]
    assert int(counts[0]) > 1
