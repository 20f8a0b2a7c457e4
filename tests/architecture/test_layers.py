"""The layering of the apps (README, Architecture): each app imports only the apps below
it, so no two apps import each other. Read from the source with ast, every import counted
(module level, inside functions, wagtail_hooks, views, commands); migrations aside."""

import ast
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]

# app -> the apps it may import. Bottom first; README's picture says the same.
ALLOWED = {
    "core": set(),
    "notifications": {"core"},
    "matching": {"core", "notifications"},
    "accounts": {"core", "notifications", "matching"},
    "schoolimports": {"core", "notifications", "matching"},
    "reporting": {"core", "notifications", "matching"},
    "cms": {"core", "matching"},
    # Placement proposals (issue 19) sit above the domain: they call its visibility, places,
    # distances and its one acceptance; matching never imports them.
    "proposals": {"core", "notifications", "matching"},
    "demo": {
        "core",
        "notifications",
        "matching",
        "accounts",
        "schoolimports",
        "reporting",
        "cms",
        "proposals",
    },
}
PROJECT_APPS = set(ALLOWED)


def app_imports(app: str) -> dict[str, list[str]]:
    """{imported app: ["path:line module", ...]} for every other project app `app` imports."""
    found: dict[str, list[str]] = {}
    for path in sorted((ROOT / app).rglob("*.py")):
        if "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules = [node.module]
            else:
                continue
            for module in modules:
                top = module.split(".")[0]
                if top in PROJECT_APPS and top != app:
                    where = f"{path.relative_to(ROOT)}:{node.lineno} {module}"
                    found.setdefault(top, []).append(where)
    return found


def import_graph() -> dict[str, dict[str, list[str]]]:
    return {app: app_imports(app) for app in sorted(PROJECT_APPS)}


def forbidden_edges(graph, allowed) -> list[str]:
    return [
        f"{app} may not import {other}: {where}"
        for app, edges in graph.items()
        for other, places in edges.items()
        if other not in allowed[app]
        for where in places
    ]


def find_cycle(graph) -> list[str] | None:
    """One import cycle between apps, as [a, b, ..., a], or None."""
    state: dict[str, str] = {}
    stack: list[str] = []

    def visit(app):
        state[app] = "open"
        stack.append(app)
        for other in sorted(graph.get(app, {})):
            if state.get(other) == "open":
                return stack[stack.index(other) :] + [other]
            if other not in state and (cycle := visit(other)):
                return cycle
        state[app] = "done"
        stack.pop()
        return None

    for app in sorted(graph):
        if app not in state and (cycle := visit(app)):
            return cycle
    return None


def test_every_project_app_has_a_place_in_the_layers():
    local = {name for name in settings.INSTALLED_APPS if "." not in name and (ROOT / name).is_dir()}
    assert local == PROJECT_APPS


def test_apps_import_only_the_layers_below_them():
    assert forbidden_edges(import_graph(), ALLOWED) == []


def test_no_two_apps_import_each_other():
    assert find_cycle(import_graph()) is None


def test_the_allowed_layers_themselves_have_no_cycle():
    assert find_cycle({app: dict.fromkeys(others) for app, others in ALLOWED.items()}) is None


def test_the_outbox_and_the_domain_keep_their_distance():
    graph = import_graph()
    assert "matching" not in graph["notifications"]
    assert "schoolimports" not in graph["matching"]
    assert "proposals" not in graph["matching"]
    assert graph["core"] == {}


def test_the_checks_catch_a_wrong_direction_and_a_cycle():
    graph = {"core": {}, "matching": {"core": ["x"]}, "notifications": {"matching": ["y.py:3"]}}
    assert forbidden_edges(graph, ALLOWED) == ["notifications may not import matching: y.py:3"]
    graph["matching"]["notifications"] = ["z"]
    assert find_cycle(graph) == ["matching", "notifications", "matching"]


def test_one_helper_sets_no_store():
    """Only core.http writes the no-store header; everything else calls set_no_store or
    marks its view with @no_store."""
    writers = []
    for app in sorted(PROJECT_APPS):
        for path in sorted((ROOT / app).rglob("*.py")):
            text = path.read_text(encoding="utf-8")
            if "add_never_cache_headers" in text or '"Cache-Control"' in text:
                writers.append(str(path.relative_to(ROOT)))
    assert writers == ["core/http.py"]


def test_matching_names_no_url_of_the_import():
    """The import adds its button to the school's students page through a hook; nothing
    in matching (code or templates) names a URL of schoolimports."""
    found = [
        str(path.relative_to(ROOT))
        for path in sorted((ROOT / "matching").rglob("*"))
        if path.suffix in {".py", ".html"} and "schoolimports:" in path.read_text(encoding="utf-8")
    ]
    assert found == []
