"""Routes stay thin: parse, check permission, call one operation, answer. A body longer than
``MAX_BODY_LINES`` (docstring, blank and comment lines not counted) means logic that belongs in an
operation, a query or a form helper."""

import ast
import inspect
import textwrap

MAX_BODY_LINES = 15


def _body_lines(function) -> int:
    source = textwrap.dedent(inspect.getsource(function))
    definition = ast.parse(source).body[0]
    body = definition.body
    if isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]
    if not body:
        return 0
    lines = source.splitlines()[body[0].lineno - 1 : definition.end_lineno]
    return sum(1 for line in lines if line.strip() and not line.strip().startswith("#"))


def _our_views(app):
    for endpoint, view in sorted(app.view_functions.items()):
        function = inspect.unwrap(view)
        if inspect.isfunction(function) and function.__module__.startswith("app."):
            yield endpoint, function


def test_the_walk_finds_every_route_module(app):
    modules = {function.__module__ for _, function in _our_views(app)}
    assert len(modules) >= 15
    assert {"app.reports.routes", "app.triage.routes", "app.api.routes"} <= modules


def test_body_count_ignores_docstring_blanks_and_comments():
    def view():
        """A docstring
        on two lines."""
        # a comment

        return 1

    assert _body_lines(view) == 1


def test_every_route_body_is_at_most_fifteen_lines(app):
    fat = {
        endpoint: lines
        for endpoint, function in _our_views(app)
        if (lines := _body_lines(function)) > MAX_BODY_LINES
    }
    assert fat == {}, f"route bodies longer than {MAX_BODY_LINES} lines: {fat}"
