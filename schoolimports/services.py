"""The bulk import of a school: validate every row of a file, then register all of them in
one transaction or none. Small files run in the request, large ones in a Celery task, with
progress the page polls. Each row goes through the same rules as the school's form
(matching.school.services and Student.clean)."""

import datetime as dt
import hashlib
import logging
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from matching import choice_selectors
from matching.errors import DomainError
from matching.models import School, SchoolYear, Student, Track
from matching.school import selectors as school_selectors
from matching.school.services import (
    NRN_TAKEN_OWN,
    SCALAR_FIELDS,
    current_school_year,
)

from . import cells, selectors
from . import parsing as imports
from .cells import megabytes  # noqa: F401  (the views show the limit with it)
from .models import ImportJob
from .progress import Progress

logger = logging.getLogger(__name__)

ALREADY_IMPORTED = gettext_lazy("Dit bestand werd al geïmporteerd.")


@dataclass
class RowError:
    row: int
    column: str
    message: str

    def as_dict(self):
        return {"row": self.row, "column": self.column, "message": str(self.message)}


@dataclass
class ValidRow:
    row: int
    student: Student
    transport_mode_ids: list[int] = field(default_factory=list)
    service_ids: list[int] = field(default_factory=list)


TRACK_WORDS = {
    Track.SECONDARY: ("secundair", "secundair onderwijs", "so", "secondary", "bso", "tso"),
    Track.ADULT: ("volwassenenonderwijs", "cvo", "cursist", "adult", "volwassenen"),
    Track.DUAL: ("duaal", "duaal leren", "dual"),
}
DATE_FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d", "%d/%m/%y")
_SPLIT_LIST = re.compile(r"\s*[|,;]\s*")


def _word(text: str) -> str:
    return imports.normalise_header(text)


_TRACK_INDEX = {_word(w): track for track, words in TRACK_WORDS.items() for w in words}
_TRACK_INDEX.update({_word(str(label)): value for value, label in Track.choices})


def _parse_date(text: str):
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


class _Lookups:
    """Name/code tables read once per import, not once per row."""

    def __init__(self):
        self.modes = {}
        modes = list(choice_selectors.transport_modes())
        for mode in modes:
            self.modes[_word(mode.name)] = mode.pk
            self.modes[_word(mode.code)] = mode.pk
        self.mode_names = [m.name for m in modes]
        self.services_by_code = {}
        self.services_by_name: dict[str, list[int]] = {}
        for service in choice_selectors.active_services().only("pk", "name", "code"):
            self.services_by_code[_word(service.code)] = service.pk
            self.services_by_name.setdefault(_word(service.name), []).append(service.pk)

    def service(self, text) -> tuple[int | None, str | None]:
        key = _word(text)
        if key in self.services_by_code:
            return self.services_by_code[key], None
        found = self.services_by_name.get(key, [])
        if len(found) == 1:
            return found[0], None
        if len(found) > 1:
            return None, _(
                "Er zijn meerdere diensten met de naam „%s”: geef de code van de dienst."
            ) % (text,)
        return None, _(
            "Onbekende dienst „%s”: geef de naam of de code zoals in de lijst van diensten."
        ) % (text,)

    def services(self, text) -> tuple[list[int], list[str]]:
        if not text:
            return [], []
        # A name may hold a comma ("Familiehulp, afdeling Gent"): "|" separates first.
        parts = [p.strip() for p in text.split("|") if p.strip()]
        if len(parts) == 1:
            service_id, problem = self.service(parts[0])
            if service_id is not None:
                return [service_id], []
            parts = [p for p in _SPLIT_LIST.split(text) if p]
        ids, problems = [], []
        for part in parts:
            service_id, problem = self.service(part)
            if service_id is None:
                problems.append(problem)
            elif service_id not in ids:
                ids.append(service_id)
        return ids, problems

    def transport_modes(self, text) -> tuple[list[int], list[str]]:
        ids, problems = [], []
        for part in _SPLIT_LIST.split(text or ""):
            if not part:
                continue
            mode_id = self.modes.get(_word(part))
            if mode_id is None:
                problems.append(
                    _("Onbekend vervoersmiddel „%(v)s”. Kies uit: %(all)s.")
                    % {"v": part, "all": ", ".join(self.mode_names)}
                )
            elif mode_id not in ids:
                ids.append(mode_id)
        return ids, problems


def _validate_row(
    *, row: int, values: dict, school: School, school_year: SchoolYear, now, lookups: _Lookups
) -> tuple[ValidRow | None, list[RowError]]:
    errors: list[RowError] = []

    def error(key, message):
        errors.append(RowError(row, imports.COLUMN_BY_KEY[key].header, str(message)))

    student = Student(
        school=school,
        school_year=school_year,
        registered_at=now,
    )
    for key in SCALAR_FIELDS:
        if key in ("track", "requested_start", "requested_end", "hours"):
            continue
        setattr(student, key, values.get(key, ""))
    for key in ("phone", "supervisor_phone"):
        setattr(student, key, cells.phone_from_cell(values.get(key, "")))

    for key in ("first_name", "last_name", "postcode"):
        if not values.get(key):
            error(key, _("%s is verplicht.") % imports.COLUMN_BY_KEY[key].header)

    track_text = values.get("track", "")
    if track_text:
        track = _TRACK_INDEX.get(_word(track_text))
        if track is None:
            error(
                "track",
                _("Onbekend type leerling „%s”. Kies secundair, volwassenenonderwijs of duaal.")
                % track_text,
            )
        student.track = track or ""
    elif school.kind == School.Kind.CVO:
        student.track = Track.ADULT
    else:
        error("track", _("Het type leerling is verplicht (secundair of duaal)."))

    student.national_register_number = cells.nrn_from_cell(
        values.get("national_register_number", "")
    )
    if not student.national_register_number:
        error("national_register_number", _("Het rijksregisternummer is verplicht."))

    for key in ("requested_start", "requested_end"):
        text = values.get(key, "")
        if text:
            try:
                setattr(student, key, _parse_date(text))
            except ValueError:
                error(key, _("„%s” is geen datum. Schrijf de datum als dd/mm/jjjj.") % text)
    hours = values.get("hours", "")
    if hours:
        if hours.isdigit() and int(hours) <= 32767:
            student.hours = int(hours)
        else:
            error("hours", _("Geef het aantal stage-uren als een geheel getal."))

    mode_ids, problems = lookups.transport_modes(values.get("transport_modes", ""))
    for problem in problems:
        error("transport_modes", problem)
    service_ids, problems = lookups.services(values.get("preferred_services", ""))
    for problem in problems:
        error("preferred_services", problem)

    exclude = ["province", "registered_by", "school", "school_year"]
    # Fields already reported are not checked again (one reason per cell is enough).
    reported = {e.column for e in errors}
    exclude += [k for k in SCALAR_FIELDS if imports.COLUMN_BY_KEY[k].header in reported]
    try:
        student.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        for key, messages in exc.message_dict.items():
            if key in imports.COLUMN_BY_KEY:
                if imports.COLUMN_BY_KEY[key].header in reported:
                    continue
                for message in messages:
                    error(key, message)
            else:
                for message in messages:
                    errors.append(RowError(row, "", str(message)))
    if errors:
        return None, errors
    return ValidRow(row, student, mode_ids, service_ids), []


def import_validate(
    *, school: School, school_year: SchoolYear, rows, now=None, on_progress=None, problems=()
) -> tuple[list[ValidRow], list[RowError]]:
    """Check every row and return (valid rows, all errors); nothing is written.

    Every row is checked, so the school gets every reason at once: a row's own fields
    (through Student.clean), duplicates inside the file, and national register numbers the
    school itself already registered this year. Other schools' students are not looked at.
    `problems` are the cells the reader could not use, (row, column, message): each is an
    error of its own, its row is not valid, and its cell gets no second reason.
    """
    now = now or timezone.now()
    lookups = _Lookups()
    valid: list[ValidRow] = []
    errors: list[RowError] = [RowError(row, column, message) for row, column, message in problems]
    problem_cells: dict[int, set[str]] = {}
    for row, column, _message in problems:
        problem_cells.setdefault(row, set()).add(column)
    first_row_of_nrn: dict[str, int] = {}
    nrn_header = imports.COLUMN_BY_KEY["national_register_number"].header
    for index, (row, values) in enumerate(rows, start=1):
        result, row_errors = _validate_row(
            row=row,
            values=values,
            school=school,
            school_year=school_year,
            now=now,
            lookups=lookups,
        )
        if row in problem_cells:
            row_errors = [e for e in row_errors if e.column not in problem_cells[row]]
            result = None
        nrn = result.student.national_register_number if result else None
        if nrn:
            if nrn in first_row_of_nrn:
                row_errors.append(
                    RowError(
                        row,
                        nrn_header,
                        _("Dit rijksregisternummer staat ook op rij %s.") % first_row_of_nrn[nrn],
                    )
                )
                result = None
            else:
                first_row_of_nrn[nrn] = row
        if result is not None:
            valid.append(result)
        errors.extend(row_errors)
        if on_progress and index % 100 == 0:
            on_progress(index)
    # Only the school's own students: another school's registration is never hinted at
    # (matching.duplicates shows it to the operator).
    existing = school_selectors.registered_nrns(
        school=school,
        school_year=school_year,
        nrns=[v.student.national_register_number for v in valid],
    )
    if existing:
        still_valid = []
        for item in valid:
            if item.student.national_register_number not in existing:
                still_valid.append(item)
                continue
            errors.append(RowError(item.row, nrn_header, str(NRN_TAKEN_OWN)))
        valid = still_valid
    errors.sort(key=lambda e: (e.row, _column_position(e.column)))
    return valid, errors


def _column_position(header: str) -> int:
    return imports.HEADERS.index(header) if header in imports.HEADERS else len(imports.HEADERS)


def import_start(
    *, school: School, user, filename: str, content: bytes, size: int | None = None, now=None
) -> ImportJob:
    """Accept an uploaded file: check its size and kind, then read and import it now (up to
    IMPORT_SYNC_MAX_BYTES and IMPORT_SYNC_MAX_ROWS rows) or hand it to a worker on the
    `imports` queue, which reads it there (a larger file is never parsed in the request).

    Idempotent per school and file content: a file whose sha256 matches a pending, running
    or finished import of this school is refused with "Dit bestand werd al geïmporteerd."
    (DomainError carrying that job), so a double click or a re-upload never duplicates.
    Raises DomainError for a file that is too large, of another format or cannot be read.
    `size` is the upload's real size when the caller read only the first bytes of it.
    """
    now = now or timezone.now()
    school_year = current_school_year(now)
    size = len(content) if size is None else size
    if size > settings.IMPORT_MAX_BYTES:
        raise DomainError(
            _("Het bestand is te groot (%(size)s). Een bestand mag hoogstens %(max)s zijn.")
            % cells.sizes(size, settings.IMPORT_MAX_BYTES)
        )
    if not content:
        raise DomainError(_("Het bestand is leeg."))
    try:
        imports.inspect_file(content)
    except imports.ImportFileError as exc:
        raise DomainError(exc.message)
    digest = hashlib.sha256(content).hexdigest()
    previous = selectors.live_job(school=school, digest=digest)
    if previous is not None:
        raise AlreadyImported(previous)
    parsed = None
    if len(content) <= settings.IMPORT_SYNC_MAX_BYTES:
        try:
            parsed = _parse(content)
        except imports.ImportFileError as exc:
            raise DomainError(exc.message)
    try:
        with transaction.atomic():
            job = ImportJob.objects.create(
                school=school,
                user=user,
                school_year=school_year,
                filename=filename[:255],
                sha256=digest,
                content=content,
                total=len(parsed.rows) if parsed else 0,
                created_at=now,
            )
    except IntegrityError:
        raise AlreadyImported(selectors.live_job(school=school, digest=digest))
    if parsed is not None and len(parsed.rows) <= settings.IMPORT_SYNC_MAX_ROWS:
        import_run(job=job, parsed=parsed, now=now)
    else:
        from .tasks import school_import_run

        transaction.on_commit(lambda: school_import_run.delay(job.pk))
    return job


def _parse(content: bytes):
    parsed = imports.parse_file(content, max_rows=settings.IMPORT_MAX_ROWS)
    if not parsed.rows and not parsed.problems:
        raise imports.ImportFileError(_("Het bestand bevat geen leerlingen, enkel kolomkoppen."))
    return parsed


class AlreadyImported(DomainError):
    def __init__(self, job: ImportJob | None):
        super().__init__(ALREADY_IMPORTED)
        self.job = job


def import_run(*, job: ImportJob, parsed=None, now=None) -> ImportJob:
    """Validate every row of the job's file; with any error import nothing and keep the full
    report, otherwise create all students in ONE transaction. Safe to run twice: a finished
    job is left alone, and an interrupted one had committed nothing."""
    job.refresh_from_db()
    if job.is_finished:
        return job
    now = now or job.created_at
    progress = Progress(job)
    try:
        if parsed is None:
            parsed = _parse(bytes(job.content))
        total = len(parsed.rows)
        progress(ImportJob.Status.VALIDATING, 0, total)
        valid, errors = import_validate(
            school=job.school,
            school_year=job.school_year,
            rows=parsed.rows,
            problems=parsed.problems,
            now=now,
            on_progress=lambda n: progress(ImportJob.Status.VALIDATING, n),
        )
        if errors:
            return _finish(job, ImportJob.Status.REJECTED, errors=[e.as_dict() for e in errors])
        progress(ImportJob.Status.IMPORTING, 0)
        with transaction.atomic():
            created = _create_students(job, valid, progress)
        return _finish(job, ImportJob.Status.DONE, imported=created)
    except imports.ImportFileError as exc:
        return _finish(job, ImportJob.Status.REJECTED, errors=[_file_error(exc.message)])
    except IntegrityError:
        logger.warning("Import job %s hit a constraint (concurrent registration)", job.pk)
        return _finish(
            job,
            ImportJob.Status.FAILED,
            errors=[
                _file_error(
                    _(
                        "Enkele leerlingen werden intussen op een andere manier ingeschreven. "
                        "Er werd niets geïmporteerd; laad het bestand opnieuw op."
                    )
                )
            ],
        )
    except Exception:
        # Whatever broke, nothing was committed: say so instead of leaving the bar running.
        logger.exception("Import job %s failed", job.pk)
        return _finish(
            job,
            ImportJob.Status.FAILED,
            errors=[
                _file_error(
                    _(
                        "Er liep iets mis bij het importeren. Er werd niets geïmporteerd; "
                        "probeer het later opnieuw of neem contact op met de helpdesk."
                    )
                )
            ],
        )
    finally:
        progress.close()


def _file_error(message) -> dict:
    return {"row": None, "column": "", "message": str(message)}


def _create_students(job: ImportJob, valid: list[ValidRow], progress) -> int:
    batch = 500
    mode_links = Student.transport_modes.through
    service_links = Student.preferred_services.through
    done = 0
    for start in range(0, len(valid), batch):
        chunk = valid[start : start + batch]
        students = []
        for item in chunk:
            item.student.registered_by_id = job.user_id
            item.student.import_key = job.sha256
            students.append(item.student)
        Student.objects.bulk_create(students)
        mode_links.objects.bulk_create(
            mode_links(student_id=item.student.pk, transportmode_id=mode_id)
            for item in chunk
            for mode_id in item.transport_mode_ids
        )
        service_links.objects.bulk_create(
            service_links(student_id=item.student.pk, service_id=service_id)
            for item in chunk
            for service_id in item.service_ids
        )
        done += len(chunk)
        progress(ImportJob.Status.IMPORTING, done)
    return done


def _finish(job: ImportJob, status: str, *, errors=None, imported: int = 0) -> ImportJob:
    job.status = status
    job.errors = errors or []
    job.imported = imported
    job.progress = job.total if status == ImportJob.Status.DONE else job.progress
    job.finished_at = timezone.now()
    job.content = b""  # the file holds personal data; the students are in the tables now
    job.save(update_fields=["status", "errors", "imported", "progress", "finished_at", "content"])
    return job
