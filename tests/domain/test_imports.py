"""The domain stays plain Python: no web, database, template or rendering imports."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import app.domain

FORBIDDEN = ("fastapi", "starlette", "sqlmodel", "sqlalchemy", "jinja2", "matplotlib", "weasyprint")
DOMAIN_FILES = sorted(Path(app.domain.__file__).parent.glob("*.py"))


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("path", DOMAIN_FILES, ids=lambda p: p.name)
def test_domain_module_imports_nothing_forbidden(path: Path) -> None:
    bad = {
        name
        for name in imported_modules(path)
        if name.split(".")[0] in FORBIDDEN or name.startswith(("app.web", "app.db", "app.reports"))
    }
    assert not bad, f"{path.name} imports {sorted(bad)}"


def test_the_check_sees_the_domain_files() -> None:
    assert {p.name for p in DOMAIN_FILES} >= {"framework.py", "loading.py"}
