"""Habits of the test suite that the issue asked for and a grep can keep: a refusal is
asserted as the exact answer of the layer under test (no set of accepted codes), on-commit
work is run with django_capture_on_commit_callbacks, never by replacing
transaction.on_commit, and the test folders mirror the code (tests/<app>/, no folder by
theme such as security or i18n)."""

import re
from pathlib import Path

from tests.architecture.test_layers import PROJECT_APPS

TESTS = Path(__file__).resolve().parents[1]
# Where a test module may live: the folder of the app whose code it tests, config for the
# project-wide settings, URLs and catalogue, and the architecture tests themselves.
TEST_HOMES = PROJECT_APPS | {"config", "architecture"}
# A status compared with a set or tuple of codes: `status_code in (302, 403)`.
LOOSE_STATUS = re.compile(r"status_code\s+(not\s+)?in\s*[\(\[\{]")
# transaction.on_commit replaced by a test.
PATCHED_ON_COMMIT = re.compile(r"setattr\([^)]*[\"']on_commit[\"']|patch\([^)]*on_commit")


def offending(pattern: re.Pattern, root: Path = TESTS) -> list[str]:
    found = []
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root)
        if relative.parts[0] == "architecture":
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if pattern.search(line):
                found.append(f"{relative}:{number}: {line.strip()}")
    return found


def folders_outside_the_layout(root: Path = TESTS) -> list[str]:
    return sorted(
        path.name
        for path in root.iterdir()
        if path.is_dir() and not path.name.startswith((".", "__")) and path.name not in TEST_HOMES
    )


def test_refusals_are_asserted_as_one_exact_status():
    assert offending(LOOSE_STATUS) == []


def test_no_test_replaces_transaction_on_commit():
    assert offending(PATCHED_ON_COMMIT) == []


def test_the_checks_see_what_they_look_for(tmp_path):
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "test_a.py").write_text(
        "assert response.status_code in (302, 403)\n"
        "monkeypatch.setattr(transaction, 'on_commit', lambda f: f())\n"
        "assert response.status_code == 302\n"
    )
    assert len(offending(LOOSE_STATUS, tmp_path)) == 1
    assert len(offending(PATCHED_ON_COMMIT, tmp_path)) == 1


def test_each_test_folder_is_an_app_of_the_project():
    assert folders_outside_the_layout() == []


def test_the_layout_check_sees_a_folder_by_theme(tmp_path):
    for name in ("matching", "config", "architecture", "security", "__pycache__"):
        (tmp_path / name).mkdir()
    (tmp_path / "factories.py").write_text("")
    assert folders_outside_the_layout(tmp_path) == ["security"]
