"""State changes of the matching domain. Views, imports, tasks and commands call these."""

import datetime as dt

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import capacity, selectors
from .errors import DomainError, StudentNotFound
from .mailings import notify_school_of_acceptance, notify_school_of_withdrawal
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


def _share_lock_student(pk: int) -> None:
    """Hold a shared lock on the student row until this acceptance commits.

    A school's edit takes the row FOR UPDATE (matching.school.services.student_update), so it waits
    for the acceptance and then finds the student frozen. Shared locks do not block each
    other, so the services racing at 12:00 are not queued behind one another; the partial
    unique index still decides who wins. (SQLite serialises writers anyway.)
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM matching_student WHERE id = %s FOR SHARE", [pk])


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
) -> Decision:
    """Set `service`'s status for a student and append the history row, atomically.

    Invariants: the student must be reachable by the service at `now` (else StudentNotFound,
    the same as a missing id); the status must be allowed for the track (dual: accepted,
    not accepted and no-show only after this service invited); at most one service holds
    `accepted` — the partial unique index decides a race, and the loser gets ALREADY_PLACED
    with nothing of its own changed (the whole transaction rolls back). An acceptance
    beyond the service's stated places is never refused; it is flagged `beyond_capacity`
    (matching.capacity; the screen asked the service to confirm first).
    """
    now = now or timezone.now()
    if (
        status == Status.ACCEPTED
        and Decision.objects.filter(student_id=student_id, status=Status.ACCEPTED)
        .exclude(service=service)
        .exists()
    ):
        # Already placed (the many losers of a 12:00 race): one index lookup, then the
        # answer a placed student gets below, without building the reachability query.
        if selectors.placed_elsewhere(service=service, pk=student_id, now=now):
            raise DomainError(ALREADY_PLACED)
        raise StudentNotFound()
    try:
        student = selectors.student_for_service(service=service, pk=student_id, now=now)
    except StudentNotFound:
        if selectors.placed_elsewhere(service=service, pk=student_id, now=now):
            raise DomainError(ALREADY_PLACED) from None
        raise
    if status not in selectors.allowed_statuses(service=service, student=student):
        if status in Status.values and student.track == Track.DUAL:
            raise DomainError(
                _("Deze status kan pas gekozen worden nadat uw dienst de leerling uitnodigde."),
                field="status",
            )
        raise DomainError(_("Deze status bestaat niet voor dit type leerling."), field="status")

    if status == Status.ACCEPTED:
        _share_lock_student(student.pk)
        _validate_acceptance(
            service=service,
            student=student,
            mentor=mentor,
            period_start=period_start,
            period_end=period_end,
        )
        taken = (
            Decision.objects.filter(student=student, status=Status.ACCEPTED)
            .exclude(service=service)
            .exists()
        )
        if taken:
            raise DomainError(ALREADY_PLACED)

    decision = Decision.objects.select_for_update().filter(service=service, student=student).first()
    previous = decision.status if decision else Status.UNDECIDED
    if decision is None:
        decision = Decision(service=service, student=student)

    decision.status = status
    decision.updated_by = user
    if status == Status.ACCEPTED and previous != Status.ACCEPTED:
        # Never a refusal: the service confirmed on its screen; the figures flag it.
        decision.beyond_capacity = capacity.acceptance_beyond_capacity(
            service=service, school_year=student.school_year_id, track=student.track, lock=True
        )
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
    except IntegrityError:
        # The savepoint is gone; the transaction can still read. Either another service's
        # acceptance committed first (the partial unique index made us wait, then refused),
        # or this service's own row was created meanwhile by a double submit.
        if (
            Decision.objects.filter(student=student, status=Status.ACCEPTED)
            .exclude(service=service)
            .exists()
        ):
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
            # Taking back an acceptance: the school hears of it the same way.
            notify_school_of_withdrawal(decision)
    return decision


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
