"""The test suite's own shape: each test module stands alone (shared fixtures in conftest.py, shared
helpers in modules that hold no tests), so that a file runs, moves or is deleted on its own."""

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent


def imported_modules(path: Path) -> set[str]:
    """The top-level names of every module `path` imports, inside functions included."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_no_test_module_imports_another_or_conftest():
    test_modules = {path.stem for path in TESTS.glob("test_*.py")}
    leaning = {
        path.name: sorted(imported_modules(path) & (test_modules | {"conftest"})) for path in sorted(TESTS.glob("*.py"))
    }
    assert {name: found for name, found in leaning.items() if found} == {}


def test_helper_modules_hold_no_tests():
    for path in TESTS.glob("*.py"):
        if path.name.startswith("test_"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        tests = [node.name for node in tree.body if isinstance(node, ast.FunctionDef) and node.name.startswith("test")]
        assert tests == [], path.name
