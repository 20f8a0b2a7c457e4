"""State changes of the matching domain. Views, imports, tasks and commands call these."""

import datetime as dt

from django.db import IntegrityError, connection, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import capacity, selectors
from .errors import ConfirmationRequired, DomainError, StudentNotFound
from .mailings import notify_school_of_acceptance, notify_school_of_withdrawal, reoffer_note
from .models import (
    ContactPerson,
    Decision,
    PersonalDataAccess,
    Service,
    Status,
    StatusChange,
    Student,
    Track,
)

ALREADY_PLACED = gettext_lazy("Deze leerling werd intussen door een andere dienst aanvaard.")


ACCEPTANCE_CONSTRAINT = "decision_one_acceptance_per_student"
# Namespace of the transaction-scoped advisory locks that mark "an acceptance of student N
# is in flight" (pg_advisory_xact_lock(ACCEPTING, N)); any constant the project uses once.
ACCEPTING = 18_001


def _lock_for_acceptance(*, service: Service, pk: int) -> tuple[str, bool, bool] | None:
    """(track, taken, first) for an acceptance of student `pk`, in one statement (None: no
    such student): its track; whether another service's acceptance is committed; and
    whether this is the only acceptance of it in flight (an advisory lock it now holds).

    The student row is share-locked until this acceptance commits: a school's edit takes it
    FOR UPDATE (matching.school.services.student_update), waits, then finds the student
    frozen. Shared locks do not block each other; the partial unique index decides who wins.
    (Other databases: the same read, no lock, always "first".)
    """
    if connection.vendor != "postgresql":
        row = (
            Student.objects.filter(pk=pk)
            .annotate(taken=Exists(_taken_by_another(service)))
            .values_list("track", "taken")
            .first()
        )
        return (*row, True) if row else None
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT s.track, {_TAKEN_SQL}, pg_try_advisory_xact_lock(%s, {_KEY_SQL})"
            f" FROM {Student._meta.db_table} s WHERE s.id = %s FOR SHARE OF s",
            [Status.ACCEPTED.value, service.pk, ACCEPTING, pk],
        )
        return cursor.fetchone()


def _taken_after_the_one_in_flight(*, service: Service, pk: int) -> bool:
    """Wait until the acceptance of `pk` in flight ends (commit or rollback), then whether
    another service's acceptance is committed. The losers of a race wait here, cheaply,
    instead of running the reachability query while the winner's transaction is open.
    The second statement's snapshot is taken after the wait, so it sees that commit."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT pg_advisory_xact_lock_shared(%s, {_KEY_SQL})"
            f" FROM {Student._meta.db_table} s WHERE s.id = %s",
            [ACCEPTING, pk],
        )
        cursor.execute(
            f"SELECT {_TAKEN_SQL} FROM {Student._meta.db_table} s WHERE s.id = %s",
            [Status.ACCEPTED.value, service.pk, pk],
        )
        return cursor.fetchone()[0]


def _taken_by_another(service: Service):
    return Decision.objects.filter(student_id=OuterRef("pk"), status=Status.ACCEPTED).exclude(
        service_id=service.pk
    )


# The lock key of a student (two int4 keys; ids beyond int4 share a key with another one,
# which only makes one wait needlessly: the unique index still decides).
_KEY_SQL = "(s.id %% 2147483647)::int4"
_TAKEN_SQL = selectors.TAKEN_SQL


def _lost_the_race(error: IntegrityError) -> bool | None:
    """Whether the partial unique index of acceptances refused the write (None: the
    database does not say which constraint)."""
    diag = getattr(error.__cause__, "diag", None)
    name = getattr(diag, "constraint_name", None)
    return None if name is None else name == ACCEPTANCE_CONSTRAINT


def _validate_acceptance(
    *,
    service: Service,
    student: Student,
    mentor: ContactPerson | None,
    period_start: dt.date | None,
    period_end: dt.date | None,
) -> None:
    if mentor is not None and mentor.service_id != service.pk:
        raise DomainError(_("Kies een stagementor van uw eigen dienst."), field="mentor")
    if student.track == Track.DUAL:
        return
    if mentor is None:
        raise DomainError(_("Kies een stagementor om de leerling te aanvaarden."), field="mentor")
    if period_start is None or period_end is None:
        raise DomainError(
            _("Geef de start- en einddatum van de stage in om te aanvaarden."),
            field="period_start",
        )
    if period_end < period_start:
        raise DomainError(
            _("De einddatum van de stage ligt voor de startdatum."), field="period_end"
        )


@transaction.atomic
def decision_set_status(
    *,
    service: Service,
    student_id: int,
    status: str,
    user,
    mentor: ContactPerson | None = None,
    period_start: dt.date | None = None,
    period_end: dt.date | None = None,
    note: str = "",
    now=None,
    ask_first: bool = False,
) -> Decision:
    """Set `service`'s status for a student and append the history row, atomically.

    Invariants: the student must be reachable by the service at `now` (else StudentNotFound,
    the same as a missing id); the status must be allowed for the track (dual: accepted,
    not accepted and no-show only after this service invited); at most one service holds
    `accepted` — the partial unique index decides a race, and the loser gets ALREADY_PLACED
    with nothing of its own changed (the whole transaction rolls back). An acceptance
    beyond the service's stated places is never refused; it is flagged `beyond_capacity`
    (matching.capacity). `ask_first` (a person at the screen who has not confirmed yet):
    taking back this service's acceptance, or a new acceptance beyond its stated places,
    is not made but answered with ConfirmationRequired, once the student is known to be
    within reach and before the status rules, in the order the screen asks.
    """
    now = now or timezone.now()
    track = None
    if status == Status.ACCEPTED:
        try:
            row = _lock_for_acceptance(service=service, pk=int(student_id))
        except (TypeError, ValueError):
            row = None
        if row is None:
            raise StudentNotFound()
        track, taken, first = row
        if not taken and not first:
            # Another acceptance of this student is in flight (a 12:00 race): wait for it.
            taken = _taken_after_the_one_in_flight(service=service, pk=int(student_id))
        if taken:
            # Placed by another service (the losers of a race): the answer a placed student
            # gets below, without building the reachability query.
            raise _placed_or_not_found(service=service, pk=student_id, now=now, track=track)
    try:
        student = selectors.student_for_service(
            service=service, pk=student_id, now=now, track=track
        )
    except StudentNotFound:
        if selectors.placed_elsewhere(service=service, pk=student_id, now=now, track=track):
            raise DomainError(ALREADY_PLACED) from None
        raise
    decision = Decision.objects.select_for_update().filter(service=service, student=student).first()
    previous = decision.status if decision else Status.UNDECIDED
    beyond = False
    if status == Status.ACCEPTED and previous != Status.ACCEPTED:
        # Never a refusal: the service confirms on its screen; the figures flag it.
        beyond = capacity.acceptance_beyond_capacity(
            service=service, school_year=student.school_year_id, track=student.track, lock=True
        )
    if ask_first:
        if previous == Status.ACCEPTED and status != Status.ACCEPTED:
            raise ConfirmationRequired("withdrawal")
        if beyond:
            raise ConfirmationRequired("capacity")
    if status not in selectors.allowed_statuses(service=service, student=student):
        if status in Status.values and student.track == Track.DUAL:
            raise DomainError(
                _("Deze status kan pas gekozen worden nadat uw dienst de leerling uitnodigde."),
                field="status",
            )
        raise DomainError(_("Deze status bestaat niet voor dit type leerling."), field="status")

    if status == Status.ACCEPTED:
        _validate_acceptance(
            service=service,
            student=student,
            mentor=mentor,
            period_start=period_start,
            period_end=period_end,
        )

    if decision is None:
        decision = Decision(service=service, student=student)

    decision.status = status
    decision.updated_by = user
    if status == Status.ACCEPTED and previous != Status.ACCEPTED:
        decision.beyond_capacity = beyond
    elif status != Status.ACCEPTED:
        decision.beyond_capacity = False
    if status == Status.ACCEPTED:
        decision.mentor = mentor
        decision.period_start = period_start
        decision.period_end = period_end
        decision.note = note or ""
    elif previous == Status.ACCEPTED:
        # Taking back an acceptance releases the student and its placement details.
        decision.mentor = None
        decision.period_start = None
        decision.period_end = None
    if status != Status.ACCEPTED and note:
        decision.note = note

    try:
        with transaction.atomic():
            decision.save()
    except IntegrityError as error:
        # The savepoint is gone; the transaction can still read. Either another service's
        # acceptance committed first (the partial unique index made us wait, then refused),
        # or this service's own row was created meanwhile by a double submit. The student
        # was reachable above, so the first is "placed meanwhile".
        lost = _lost_the_race(error)
        if lost is None:
            lost = (
                Decision.objects.filter(student=student, status=Status.ACCEPTED)
                .exclude(service=service)
                .exists()
            )
        if lost:
            raise DomainError(ALREADY_PLACED) from None
        raise DomainError(
            _("Deze wijziging werd intussen al opgeslagen. Vernieuw de pagina en probeer opnieuw.")
        ) from None

    if previous != status:
        StatusChange.objects.create(
            student=student,
            service=service,
            from_status=previous,
            to_status=status,
            changed_by=user,
            changed_at=now,
        )
        if status == Status.ACCEPTED:
            # Written to the outbox in this transaction: a rolled-back accept mails nobody.
            notify_school_of_acceptance(decision)
        elif previous == Status.ACCEPTED:
            # Taking back an acceptance: the school hears of it the same way; the services
            # that still had the student open hear of it in the next daily digest.
            notify_school_of_withdrawal(decision)
            reoffer_note(decision, now=now)
    return decision


def _placed_or_not_found(*, service: Service, pk, now, track: str) -> Exception:
    """The refusal for a student another service holds: "placed meanwhile" when `service`
    would see it but for that acceptance, else the 404 any unknown id gets."""
    if selectors.placed_elsewhere(service=service, pk=pk, now=now, track=track):
        return DomainError(ALREADY_PLACED)
    return StudentNotFound()


def personal_data_log(
    *, user, students, context: str, service: Service | None = None, now=None
) -> int:
    """Record one access-log row per student whose personal data was just shown."""
    now = now or timezone.now()
    rows = [
        PersonalDataAccess(
            user=user,
            student_id=getattr(s, "pk", s),
            service=service,
            context=context,
            accessed_at=now,
        )
        for s in students
    ]
    PersonalDataAccess.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def personal_data_release(*, user, service: Service, students, context: str, now=None) -> set:
    """The ids among `students` whose personal data `service` may see now (rule 5), each
    written to the access log before anything is shown. `students` is annotated by
    selectors.with_service_decision (as service_students is); a screen or export shows
    personal data only for the ids this returns."""
    ids = set(
        students.prefetch_related(None)
        .filter(selectors.personal_data_q())
        .order_by()
        .values_list("pk", flat=True)
    )
    if ids:
        personal_data_log(
            user=user, students=sorted(ids), context=context, service=service, now=now
        )
    return ids


@transaction.atomic
def contact_person_save(
    *, service: Service, name: str, phone: str, email: str, contact: ContactPerson | None = None
) -> ContactPerson:
    """Create or update a mentor of `service`; a service only ever touches its own."""
    if contact is not None and contact.service_id != service.pk:
        raise DomainError(_("Deze contactpersoon hoort niet bij uw dienst."))
    contact = contact or ContactPerson(service=service)
    contact.name, contact.phone, contact.email = name, phone, email
    contact.full_clean()
    contact.save()
    return contact
