"""Habits of the test suite that the issue asked for and a grep can keep: a refusal is
asserted as the exact answer of the layer under test (no set of accepted codes), and
on-commit work is run with django_capture_on_commit_callbacks, never by replacing
transaction.on_commit."""

import re
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
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
