"""Imports flow one way between layers: web -> report_data -> db, reports -> domain.

The domain is plain Python (no web, database, template or rendering library, nothing else of
the app); the database and the reports each build on the domain alone and never on each
other; route modules never import each other. One table says it, one test walks every file.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import app

APP = Path(app.__file__).parent
LIBRARIES = ("fastapi", "starlette", "sqlmodel", "sqlalchemy", "jinja2", "matplotlib", "weasyprint")
# Layer (a folder or module of app/) -> what it may import from app/ besides itself.
ALLOWED = {
    "domain": set(),
    "db": {"domain", "auth", "config"},
    "reports": {"domain", "config"},
    "report_data": {"db", "reports", "domain"},
}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def layer_of(path: Path) -> str:
    return path.relative_to(APP).parts[0].removesuffix(".py")


LAYERED = [p for p in sorted(APP.rglob("*.py")) if layer_of(p) in ALLOWED]
ROUTES = sorted((APP / "web" / "routes").glob("*.py"))


@pytest.mark.parametrize("path", LAYERED, ids=lambda p: str(p.relative_to(APP)))
def test_each_layer_imports_only_the_layers_below_it(path: Path) -> None:
    layer = layer_of(path)
    reached = {
        name.split(".")[1]
        for name in imported_modules(path)
        if name.startswith("app.") and name.split(".")[1] != layer
    }

    forbidden = reached - ALLOWED[layer]
    assert not forbidden, f"{path.name} ({layer}) imports app.{forbidden}"


@pytest.mark.parametrize("path", sorted((APP / "domain").glob("*.py")), ids=lambda p: p.name)
def test_domain_module_imports_no_framework(path: Path) -> None:
    bad = {name for name in imported_modules(path) if name.split(".")[0] in LIBRARIES}

    assert not bad, f"{path.name} imports {sorted(bad)}"


@pytest.mark.parametrize("path", ROUTES, ids=lambda p: p.name)
def test_a_route_module_imports_no_other_route_module(path: Path) -> None:
    others = {n for n in imported_modules(path) if n.startswith("app.web.routes")}

    assert not others, f"{path.name} imports {others}"


def test_the_walk_sees_every_layer() -> None:
    assert {layer_of(p) for p in LAYERED} == set(ALLOWED)
    assert {p.name for p in ROUTES} >= {"results.py", "participants.py", "api.py"}
