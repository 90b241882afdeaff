"""A revision never imports the app (issue 14, point 6).

What a revision writes must never change: a default it imported from the app would change with the app,
so an old install and a new one would hold different rows for the same revision. Values are copied into
the revision as literals instead.
"""

import ast

from tests.migrations.databases import MIGRATIONS


def _imported_modules(source: str) -> set[str]:
    modules = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            modules.add(node.module)
    return modules


def test_no_revision_imports_the_app():
    offenders = {
        path.name: sorted(
            m for m in _imported_modules(path.read_text()) if m == "app" or m.startswith("app.")
        )
        for path in sorted((MIGRATIONS / "versions").glob("*.py"))
    }
    assert {name: modules for name, modules in offenders.items() if modules} == {}
