"""The list page runs a bounded number of queries whatever the page size."""

import pytest

from matching.models import Status, Student, Track, TransportMode
from tests.factories import DecisionFactory, ServiceFactory, StudentFactory

# Issue 9's target: at most 15 queries per list page, admin chrome included. Chrome: session,
# user (+ Wagtail profile + current sign-in), groups, permissions, locales. Page: service,
# school year + round, count, rows, two prefetches, decisions, the other tab's count,
# mentors, schools; and (issue 19) the capacity line "x van y plaatsen ingevuld", one query
# for the places stated and filled (matching.capacity.places_of). None per row, whatever
# the filters, order or page.
MAX_QUERIES = 16


def make_students(year, count, service, track=Track.SECONDARY):
    modes = list(TransportMode.objects.all()[:2])
    other = ServiceFactory()
    students = StudentFactory.create_batch(
        count, school_year=year, track=track, preferred_services=[service, other]
    )
    for index, student in enumerate(students):
        student.transport_modes.set(modes)
        if index % 3 == 0:
            DecisionFactory(service=service, student=student, status=Status.NOT_ACCEPTED)
    return students


@pytest.mark.parametrize("per_page", [25, 100])
def test_list_page_queries_do_not_grow_with_page_size(
    service_client, open_round, service, mentor, per_page, django_assert_max_num_queries
):
    make_students(open_round.school_year, 110, service)
    url = f"/admin/service/students/secondary/?per_page={per_page}"
    # Steady state: the process already knows the province ids (matching.reference).
    service_client.get(url)
    with django_assert_max_num_queries(MAX_QUERIES):
        response = service_client.get(url)
    assert response.status_code == 200
    assert len(response.context["rows"]) == per_page


def test_a_filtered_sorted_later_page_stays_within_the_bound(
    service_client, open_round, service, mentor, django_assert_max_num_queries
):
    make_students(open_round.school_year, 110, service)
    province = Student.objects.values_list("province__code", flat=True).first()
    query = f"?province={province}&transport=fiets&order=-postcode&per_page=25&p=2"
    # Steady state: the process already knows the province ids (matching.reference).
    service_client.get("/admin/service/students/secondary/" + query)
    with django_assert_max_num_queries(MAX_QUERIES):
        response = service_client.get("/admin/service/students/secondary/" + query)
    assert response.status_code == 200
    assert response.context["rows"]  # the filters matched (at least) one row


def test_distance_filter_and_sort_stay_within_the_bound(
    service_client, open_round, service, mentor, django_assert_max_num_queries
):
    make_students(open_round.school_year, 110, service)
    query = "?within=25&order=distance&per_page=100"
    service_client.get("/admin/service/students/secondary/" + query)
    with django_assert_max_num_queries(MAX_QUERIES):
        response = service_client.get("/admin/service/students/secondary/" + query)
    assert response.status_code == 200
    assert len(response.context["rows"]) == 100  # the factories' students live in 2000
    assert {row.distance_label for row in response.context["rows"]} == {"< 1 km"}


@pytest.mark.parametrize("per_page", [25, 100])
def test_dual_list_page_queries_do_not_grow_with_page_size(
    service_client, dual_round, service, per_page, django_assert_max_num_queries
):
    students = make_students(dual_round.school_year, 110, service, track=Track.DUAL)
    from matching.services import decision_set_status

    for student in students[1::4]:
        decision_set_status(
            service=service, student_id=student.pk, status=Status.INVITED, user=None
        )
    with django_assert_max_num_queries(MAX_QUERIES):
        response = service_client.get(f"/admin/service/students/dual/?per_page={per_page}")
    rows = response.context["rows"]
    assert len(rows) == per_page
    # The allowed statuses per row come from one query of the invited students.
    invited = [r for r in rows if r.status == Status.INVITED]
    assert invited and all(Status.ACCEPTED in dict(r.allowed) for r in invited)
    undecided = [r for r in rows if r.status == Status.UNDECIDED]
    assert undecided and all(Status.ACCEPTED not in dict(r.allowed) for r in undecided)


def test_query_count_is_the_same_for_25_and_100_rows(service_client, open_round, service, mentor):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make_students(open_round.school_year, 110, service)
    counts = []
    for per_page in (25, 100):
        with CaptureQueriesContext(connection) as queries:
            service_client.get(f"/admin/service/students/secondary/?per_page={per_page}")
        counts.append(len(queries))
    assert counts[0] == counts[1]
