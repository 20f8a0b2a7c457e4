"""Reads live in selectors (STYLE.md; issue 12): the modules that make screens — views,
Wagtail hooks, dashboards, forms — never write a query on a model's manager themselves
(`Model.objects...`); they call a selector that names the read. `Model.objects.none()`
reads nothing and is allowed. Fetching one row by its id with get_object_or_404 is left to
the views (it is Django's own idiom and asks nothing a selector would add)."""

import ast
from pathlib import Path

from tests.architecture.test_layers import PROJECT_APPS

ROOT = Path(__file__).resolve().parents[2]
SCREEN_MODULES = {"views.py", "wagtail_hooks.py", "dashboard.py", "forms.py", "viewsets.py"}
# Each audience's folder in matching holds only its screens (and their selectors/services).
AUDIENCE_FOLDERS = {"service", "school", "operator", "coordinator"}
NOT_SCREENS = {"selectors.py", "services.py"}


def is_screen_module(path: Path) -> bool:
    if path.name in NOT_SCREENS:
        return False
    return (
        path.name in SCREEN_MODULES
        or path.name.endswith("_views.py")
        or path.parent.name in AUDIENCE_FOLDERS
    )


def manager_reads(path: Path) -> list[int]:
    """Lines where `path` uses a model manager for anything but `.none()`."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    empty = {
        id(node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and node.attr == "none"
        and isinstance(node.value, ast.Attribute)
        and node.value.attr == "objects"
    }
    return sorted(
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and node.attr == "objects" and id(node) not in empty
    )


def offenders(root: Path = ROOT, apps=PROJECT_APPS - {"demo"}) -> list[str]:
    found = []
    for app in sorted(apps):
        for path in sorted((root / app).rglob("*.py")):
            if {"migrations", "management", "templatetags"} & set(path.parts):
                continue
            if is_screen_module(path):
                found += [f"{path.relative_to(root)}:{n}" for n in manager_reads(path)]
    return found


def test_screens_read_through_selectors():
    assert offenders() == []


def test_the_check_sees_a_query_in_a_view(tmp_path):
    app = tmp_path / "shop"
    (app / "service").mkdir(parents=True)
    (app / "views.py").write_text("def v(r):\n    return Order.objects.filter(paid=True)\n")
    (app / "forms.py").write_text("q = Order.objects.none()\n")
    (app / "service" / "capacity.py").write_text("x = 1\ny = Order.objects.get(pk=1)\n")
    (app / "selectors.py").write_text("def paid():\n    return Order.objects.all()\n")
    assert offenders(tmp_path, {"shop"}) == ["shop/service/capacity.py:2", "shop/views.py:2"]
