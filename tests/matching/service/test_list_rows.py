"""The list rows' words are translated once per page (issue 18, the list page's CPU): every
row still says them in the page's language, with the student's name escaped, and a row
re-rendered in place reads as the list's own row."""

import re

import pytest

from tests.factories import StudentFactory

from .test_inplace import JSON, LIST

NAME = {"last_name": "<b>Peeters</b>", "first_name": "An & Co"}
ESCAPED = "&lt;b&gt;Peeters&lt;/b&gt;, An &amp; Co"


@pytest.fixture
def students(open_round, mentor):
    return [
        StudentFactory(school_year=open_round.school_year, **NAME),
        StudentFactory(school_year=open_round.school_year, last_name="Aerts", first_name="Bo"),
    ]


@pytest.mark.parametrize(
    ("language", "words"),
    [
        (
            "nl-be",
            [
                f"Status van {ESCAPED}",
                f'Stagementor<span class="w-sr-only"> voor {ESCAPED}</span>',
                f'Notitie<span class="w-sr-only"> voor {ESCAPED}</span>',
                'data-label="Woonplaats"',
                f'Meer info<span class="w-sr-only"> over {ESCAPED}</span>',
                "Opslaan",
            ],
        ),
        (
            "en",
            [
                f"Status of {ESCAPED}",
                f"for {ESCAPED}</span>",
                "Aerts, Bo",
                f"about {ESCAPED}</span>",
            ],
        ),
    ],
)
def test_every_row_says_its_words_in_the_page_language_with_the_name_escaped(
    service_client, students, language, words
):
    html = service_client.get(LIST, HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert "<b>Peeters" not in html
    for word in words:
        assert word in html
    assert html.count('class="sm-row"') == 2
    assert html.count('<form method="post" action="/admin/service/student/') == 2


def test_a_row_re_rendered_in_place_is_the_lists_row(service_client, students):
    student = students[0]
    html = service_client.get(LIST).content.decode()
    start = html.index(f'<tr id="s-{student.pk}"')
    listed = html[start : html.index("</tr>", start) + 5]
    back = re.search(r'name="next" value="([^"]*)"', listed).group(1).replace("&amp;", "&")
    answer = service_client.post(
        f"/admin/service/student/{student.pk}/status/",
        {"status": "undecided", "next": back},
        **JSON,
    ).json()
    # The in-place row adds its notice; every word and attribute before it is the list's.
    before_notice = answer["html"].split('<p class="sm-row-msg')[0]
    assert normal(before_notice) in normal(listed)


def normal(html: str) -> str:
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)
    return " ".join(html.split())


def test_a_refused_row_gives_back_what_was_typed_escaped_and_marks_the_field(
    service_client, students
):
    student = students[0]
    typed = '"><script>x</script>'
    answer = service_client.post(
        f"/admin/service/student/{student.pk}/status/",
        {"status": "accepted", "mentor": "", "note": typed, "next": LIST},
        **JSON,
    ).json()
    html = answer["html"]
    assert "<script>" not in html
    assert 'value="&quot;&gt;&lt;script&gt;x&lt;/script&gt;"' in html
    marked = re.search(r'<select name="mentor" id="mentor-\d+" data-field="mentor"([^>]*)>', html)
    assert 'aria-invalid="true"' in marked.group(1)
    assert f'aria-describedby="status-msg-{student.pk}"' in marked.group(1)
    assert f'id="status-msg-{student.pk}" data-testid="row-error"' in html
