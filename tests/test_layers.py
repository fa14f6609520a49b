"""The layers: events/ imports neither domain/ nor tui/; domain/ never imports tui/."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN = {"events": {"domain", "tui"}, "domain": {"tui"}}


def imported_packages(path: Path) -> set[str]:
    """Top-level packages a module imports, anywhere in it (lazy imports in functions too)."""
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            out.add(node.module.split(".")[0])
    return out


MODULES = sorted(p for layer in FORBIDDEN for p in (ROOT / layer).rglob("*.py"))


@pytest.mark.parametrize("module", MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_a_module_imports_no_outer_layer(module: Path) -> None:
    layer = module.relative_to(ROOT).parts[0]
    assert imported_packages(module) & FORBIDDEN[layer] == set()


def test_the_walker_sees_lazy_imports(tmp_path: Path) -> None:
    probe = tmp_path / "probe.py"
    probe.write_text("def f():\n    from tui.cli import app\n    import domain.fold\n")
    assert imported_packages(probe) == {"tui", "domain"}


def test_import_linter_contracts_hold() -> None:
    linter = Path(sys.executable).parent / "lint-imports"
    if not linter.exists():
        pytest.skip("import-linter is not installed in this environment")
    result = subprocess.run([str(linter)], cwd=ROOT, capture_output=True, text=True,
                            check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 kept, 0 broken" in result.stdout
