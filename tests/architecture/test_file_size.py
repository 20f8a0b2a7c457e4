"""No source file over 500 lines: a file that grows past it is split by topic (as
matching/models/ is). Migrations, tests, the benchmarks and the demo data are aside."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MAX_LINES = 500
SOURCE_SUFFIXES = {".py", ".html", ".js", ".css"}
ASIDE_DIRS = {".venv", "migrations", "tests", "bench", "var", "staticfiles", "node_modules"}
ASIDE_FILES = {Path("demo/management/commands/seed_demo.py")}


def too_long(root: Path) -> list[str]:
    found = []
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if (
            path.suffix not in SOURCE_SUFFIXES
            or not path.is_file()
            or ASIDE_DIRS & set(relative.parts)
            or any(part.startswith(".") for part in relative.parts)
            or relative in ASIDE_FILES
        ):
            continue
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > MAX_LINES:
            found.append(f"{relative}: {lines} lines")
    return found


def test_no_source_file_over_500_lines():
    assert too_long(ROOT) == []


def test_the_check_sees_a_long_file(tmp_path):
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "long.py").write_text("x = 1\n" * 501)
    (tmp_path / "app" / "short.py").write_text("x = 1\n" * 500)
    (tmp_path / "app" / "migrations").mkdir()
    (tmp_path / "app" / "migrations" / "0001_initial.py").write_text("x = 1\n" * 900)
    assert too_long(tmp_path) == ["app/long.py: 501 lines"]
