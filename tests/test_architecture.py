"""The package's shape: layers point inward and the public API is what it claims."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import kpibridge

ROOT = Path(__file__).resolve().parents[1]


def test_layers_point_inward() -> None:
    """import-linter's contracts (pyproject.toml) hold: the layers, the capabilities of the
    services layer, and the independence of each capability's commands."""
    lint_imports = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(lint_imports)], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 3 kept, 0 broken" in result.stdout


def test_public_api() -> None:
    assert sorted(kpibridge.__all__) == [
        "Explanation",
        "KpibridgeError",
        "Scorecard",
        "ScorecardRow",
        "Workspace",
        "WorkspaceError",
    ]
    for name in kpibridge.__all__:
        assert getattr(kpibridge, name) is not None


SRC = ROOT / "src" / "kpibridge"
MAX_MODULE_LINES = 500


def test_no_import_cycles() -> None:
    """No module imports itself through others (type-checking imports included): each
    module can be read knowing only the modules below it."""
    import grimp

    graph = grimp.build_graph("kpibridge", exclude_type_checking_imports=False)
    imports = {module: graph.find_modules_directly_imported_by(module) for module in graph.modules}
    assert _cycles(imports) == []


def _cycles(imports: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's strongly connected components with more than one module."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        for other in imports[module]:
            if other not in index:
                visit(other)
                low[module] = min(low[module], low[other])
            elif other in stack:
                low[module] = min(low[module], index[other])
        if low[module] == index[module]:
            component = []
            while (other := stack.pop()) != module:
                component.append(other)
            if component:
                found.append(sorted([module, *component]))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10 * len(imports)))
    for module in sorted(imports):
        if module not in index:
            visit(module)
    return found


def test_cycle_finder_finds_a_cycle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_module_is_too_long_to_read() -> None:
    long = {
        str(path.relative_to(SRC)): count
        for path in SRC.rglob("*.py")
        if (count := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    }
    assert long == {}


def test_every_capability_package_says_what_it_is_for() -> None:
    packages = [*SRC.joinpath("services").iterdir(), *SRC.joinpath("cli").iterdir()]
    undocumented = [
        str(package.relative_to(SRC))
        for package in packages
        if package.joinpath("__init__.py").is_file()
        and not ast.get_docstring(ast.parse(package.joinpath("__init__.py").read_text()))
    ]
    assert undocumented == []


def test_errors_are_defined_in_one_tree() -> None:
    """Every exception class is in kpibridge/errors.py, under KpibridgeError, so a caller catches
    any kpibridge error in one place and the CLI and web app map them in one place — except the
    web app's access signals, which a page's ``except KpibridgeError`` must not swallow."""
    elsewhere = [
        f"{path.relative_to(SRC)}:{node.lineno} {node.name}"
        for path in SRC.rglob("*.py")
        if path.name != "errors.py" or path.parent != SRC
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.ClassDef)
        and any(
            isinstance(base, ast.Name) and base.id.endswith(("Error", "Exception"))
            for base in node.bases
        )
    ]
    assert elsewhere == []
    from kpibridge import errors

    for name in dir(errors):
        value = getattr(errors, name)
        if isinstance(value, type) and issubclass(value, Exception):
            assert issubclass(value, errors.KpibridgeError | errors.AccessSignal), name
    assert not issubclass(errors.ForbiddenError, errors.KpibridgeError)
