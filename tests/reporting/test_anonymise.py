import datetime as dt

import pytest
from django.urls import reverse

from matching.errors import DomainError
from matching.models import Decision, SchoolYear, StatusChange, Student
from reporting import export_selectors, selectors, services
from reporting.exports import operator_export_response
from reporting.models import OperatorExport, YearAnonymisation
from tests import factories

from .helpers import BRUSSELS, coordinator, operator
from .test_figures import population  # noqa: F401  (fixture)

AFTER_YEAR = dt.datetime(2026, 6, 15, 12, 0, tzinfo=BRUSSELS)


def export_year(year, user):
    b"".join(operator_export_response(school_year=year, user=user).streaming_content)


def personal_values(year):
    return list(
        Student.objects.filter(school_year=year).values_list(
            "national_register_number", "email", "phone", "supervisor_email", "supervisor_phone"
        )
    )


def snapshot(year):
    figures = [
        (row.province_id, row.track, row.registered, row.placed, row.unplaced)
        for row in selectors.province_track_figures(school_year=year)
    ]
    rows = [
        row[:1] + row[3:12] + row[13:]  # everything but the names and the visibility date
        for chunk in export_selectors.export_chunks(school_year=year)
        for row in chunk.rows
    ]
    return figures, rows, StatusChange.objects.count(), Decision.objects.count()


@pytest.mark.django_db
def test_anonymising_removes_personal_data_and_keeps_the_figures(population, year, frozen):  # noqa: F811
    user = operator()
    other_year = factories.SchoolYearFactory(
        name="2026-2027", starts_on=dt.date(2026, 6, 1), ends_on=dt.date(2027, 5, 31)
    )
    untouched = factories.StudentFactory(school_year=other_year)
    Decision.objects.filter(student__school_year=year).update(note="Belde de moeder op 0470")
    export_year(year, user)
    frozen.move_to(AFTER_YEAR)
    before = snapshot(year)

    done = services.school_year_anonymise(school_year=year, user=user, confirmation="2025-2026")

    count = Student.objects.filter(school_year=year).count()
    assert done.student_count == count
    assert all(values == ("", "", "", "", "") for values in personal_values(year))
    for student in Student.objects.filter(school_year=year):
        assert student.full_name == f"Leerling {student.pk}"
        assert student.supervisor_name == "" and student.remarks == ""
        assert student.anonymised_at is not None
    assert not Decision.objects.filter(student__school_year=year).exclude(note="").exists()
    assert snapshot(year) == before
    year.refresh_from_db()
    assert year.anonymised_at is not None
    audit = YearAnonymisation.objects.get()
    assert (audit.user, audit.student_count, audit.school_year) == (user, count, year)
    untouched.refresh_from_db()
    assert (
        untouched.national_register_number and untouched.email and untouched.anonymised_at is None
    )


@pytest.mark.django_db
def test_anonymising_is_refused_before_an_export(population, year, frozen):  # noqa: F811
    user = operator()
    frozen.move_to(AFTER_YEAR)
    before = personal_values(year)
    # An export that broke off (never completed) does not count either.
    OperatorExport.objects.create(school_year=year, user=user, format="csv")
    with pytest.raises(DomainError, match="export"):
        services.school_year_anonymise(school_year=year, user=user, confirmation="2025-2026")
    assert personal_values(year) == before
    assert SchoolYear.objects.get(pk=year.pk).anonymised_at is None
    assert not YearAnonymisation.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("confirmation", ["", "2024-2025", "ja"])
def test_anonymising_needs_the_typed_school_year_name(population, year, frozen, confirmation):  # noqa: F811
    user = operator()
    export_year(year, user)
    frozen.move_to(AFTER_YEAR)
    with pytest.raises(DomainError):
        services.school_year_anonymise(school_year=year, user=user, confirmation=confirmation)
    assert not YearAnonymisation.objects.exists()


@pytest.mark.django_db
def test_anonymising_is_refused_while_the_year_runs_and_for_non_operators(population, year, frozen):  # noqa: F811
    user = operator()
    export_year(year, user)
    with pytest.raises(DomainError, match="einddatum"):
        services.school_year_anonymise(school_year=year, user=user, confirmation="2025-2026")
    frozen.move_to(AFTER_YEAR)
    with pytest.raises(DomainError):
        services.school_year_anonymise(
            school_year=year, user=coordinator(factories.province("ANT")), confirmation="2025-2026"
        )
    services.school_year_anonymise(school_year=year, user=user, confirmation="2025-2026")
    with pytest.raises(DomainError, match="al geanonimiseerd"):
        services.school_year_anonymise(school_year=year, user=user, confirmation="2025-2026")


@pytest.mark.django_db
def test_anonymise_view_asks_for_confirmation_and_then_anonymises(client, population, year, frozen):  # noqa: F811
    user = operator()
    url = reverse("reporting:anonymise", args=[year.pk])
    frozen.move_to(AFTER_YEAR)
    client.force_login(user)
    response = client.post(url, {"confirmation": "2025-2026"})
    assert response.status_code == 400
    assert "export" in response.content.decode()
    export_response = client.post(reverse("reporting:export"), {"school_year": year.pk})
    b"".join(export_response.streaming_content)
    assert client.get(url).status_code == 200
    assert client.post(url, {"confirmation": "2025"}).status_code == 400
    response = client.post(url, {"confirmation": "2025-2026"})
    assert response.status_code == 302
    assert not any(nrn for nrn, *_rest in personal_values(year))
    index = client.get(reverse("reporting:index")).content.decode()
    assert "Nog geen schooljaar geanonimiseerd" not in index


@pytest.mark.django_db
def test_anonymising_cancels_unsent_acceptance_notices_naming_its_students(
    population,  # noqa: F811
    year,
    frozen,
):
    from matching.mailings import notify_school_of_acceptance
    from notifications.models import Outbox
    from notifications.services import outbox_retry
    from tests.logins import make_school_user

    user = operator()
    student = Student.objects.filter(school_year=year).first()
    decision = factories.DecisionFactory(student=student, status="not_accepted")
    other_year = factories.SchoolYearFactory(
        name="2026-2027", starts_on=dt.date(2026, 6, 1), ends_on=dt.date(2027, 5, 31)
    )
    other_decision = factories.DecisionFactory(
        student=factories.StudentFactory(school_year=other_year), status="not_accepted"
    )
    # Written but never delivered (say the broker was down): queued and failed rows.
    Outbox.objects.all().delete()
    make_school_user(student.school)
    make_school_user(other_decision.student.school)
    # (Inside the test's transaction the after-commit delivery never runs.)
    waiting = notify_school_of_acceptance(decision)[0]
    failed = notify_school_of_acceptance(decision)[0]
    kept = notify_school_of_acceptance(other_decision)[0]
    Outbox.objects.filter(pk=failed.pk).update(status=Outbox.Status.FAILED)
    assert student.last_name in Outbox.objects.get(pk=waiting.pk).body

    export_year(year, user)
    frozen.move_to(AFTER_YEAR)
    services.school_year_anonymise(school_year=year, user=user, confirmation="2025-2026")

    for row in Outbox.objects.filter(pk__in=[waiting.pk, failed.pk]):
        assert row.status == Outbox.Status.CANCELLED
        assert student.last_name not in row.body + row.subject
        # The operator cannot put a cancelled mail back in the queue.
        assert outbox_retry(outbox=row).status == Outbox.Status.CANCELLED
    kept.refresh_from_db()
    assert kept.status == Outbox.Status.QUEUED and kept.student_id == other_decision.student_id
