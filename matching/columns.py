"""The student columns of an export, read from the one declaration of what a school
registers (matching.models.REGISTRABLE_FIELDS).

Each export says, for every registrable field, whether it shows it (under the field's one
label) or withholds it; its other columns (placement, status, counts) carry their own
label. A field added to the declaration stops the app at start-up (ImproperlyConfigured)
until every export has said which: a new field cannot slip into an export unseen — a
service must not see a new personal field by default — nor be forgotten in one.
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from operator import itemgetter

from django.core.exceptions import ImproperlyConfigured
from django.utils.text import capfirst

from .models import REGISTRABLE_FIELDS, REGISTRABLE_RELATIONS, Student


def registrable_label(name: str) -> str:
    """The label of a registrable field: its model field's verbose name, capitalised, as
    the school's form shows it."""
    return capfirst(Student._meta.get_field(name).verbose_name)


@dataclass(frozen=True)
class Extra:
    """A column that is not a registrable field, with its own label."""

    key: str
    # A lazy translation, or a function giving the text: read when the header is written.
    label: object

    @property
    def text(self) -> str:
        return str(self.label() if callable(self.label) else self.label)


@dataclass(frozen=True)
class StudentColumns:
    columns: tuple[str | Extra, ...]
    withheld: frozenset[str]

    def check(self, fields: Iterable[str] = REGISTRABLE_FIELDS) -> None:
        """Every field of `fields` shown or withheld, once; nothing else named as one."""
        fields = tuple(fields)
        shown = [c for c in self.columns if isinstance(c, str)]
        problems = []
        if missing := [f for f in fields if f not in shown and f not in self.withheld]:
            problems.append("neither shown nor withheld: " + ", ".join(missing))
        if both := sorted(set(shown) & self.withheld):
            problems.append("both shown and withheld: " + ", ".join(both))
        if unknown := sorted((set(shown) | self.withheld) - set(fields)):
            problems.append("not registrable fields: " + ", ".join(unknown))
        if twice := sorted({k for k in self.keys if self.keys.count(k) > 1}):
            problems.append("columns named twice: " + ", ".join(twice))
        if problems:
            raise ImproperlyConfigured("Export columns: " + "; ".join(problems))

    @cached_property
    def keys(self) -> tuple[str, ...]:
        return tuple(c.key if isinstance(c, Extra) else c for c in self.columns)

    @cached_property
    def _pick(self) -> Callable[[Mapping[str, object]], tuple]:
        keys = self.keys
        if len(keys) == 1:
            return lambda cells: (cells[keys[0]],)
        return itemgetter(*keys)

    @property
    def fields(self) -> list[str]:
        """The registrable fields shown, in the export's order."""
        return [c for c in self.columns if isinstance(c, str)]

    def header(self) -> list[str]:
        return [c.text if isinstance(c, Extra) else registrable_label(c) for c in self.columns]

    def row(self, cells: Mapping[str, object]) -> list:
        """The cells in the export's order; a missing key is an error, not an empty cell."""
        return list(self._pick(cells))


def student_columns(*columns: str | Extra, withheld: Iterable[str] = ()) -> StudentColumns:
    """An export's columns; checked against the declaration at once (module import)."""
    result = StudentColumns(columns=tuple(columns), withheld=frozenset(withheld))
    result.check()
    return result


def registrable_cells(
    student: Student, fields: Iterable[str], written: Mapping[str, Callable] | None = None
) -> dict[str, object]:
    """The cells of a student's registrable fields: the track by its label, relations as
    their names joined by ", ", a field of `written` through its function (the usual written
    form of a number, a mask), the rest as stored. Relations read what the caller
    prefetched."""
    written = written or {}
    cells = {}
    for name in fields:
        if name in written:
            cells[name] = written[name](getattr(student, name))
        elif name in REGISTRABLE_RELATIONS:
            cells[name] = ", ".join(item.name for item in getattr(student, name).all())
        elif name == "track":
            cells[name] = student.get_track_display()
        else:
            cells[name] = getattr(student, name)
    return cells
