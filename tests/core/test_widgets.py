"""core.widgets write the very bytes Django's widget templates write."""

import pytest
from django import forms

from core import widgets

CHOICES = [
    ("", "Alle scholen"),
    (1, 'École <Sint-Jan> & "Co"'),
    (2, "Atheneum"),
    ("Groep", [(3, "In een groep"), (4, "Ook")]),
]


def pair(fast_class, django_class, **kwargs):
    class Form(forms.Form):
        fast = forms.MultipleChoiceField(widget=fast_class, **kwargs)
        plain = forms.MultipleChoiceField(widget=django_class, **kwargs)

    return Form


@pytest.mark.parametrize("value", [None, "", "2", "3", ["1", "4"], "<x>"])
@pytest.mark.parametrize("attrs", [None, {"id": "id_s", "class": "a<b", "required": True}])
def test_select_is_byte_for_byte_django_select(value, attrs):
    choices = CHOICES[:4]
    fast = widgets.Select(choices=choices, attrs={"disabled": False, "data-x": 3})
    plain = forms.Select(choices=choices, attrs={"disabled": False, "data-x": 3})
    assert fast.render("school", value, attrs) == plain.render("school", value, attrs)


@pytest.mark.parametrize("data", [{}, {"fast": ["1", "3"], "plain": ["1", "3"]}])
def test_checkboxes_are_byte_for_byte_django_checkboxes(data):
    form = pair(
        widgets.CheckboxSelectMultiple,
        forms.CheckboxSelectMultiple,
        choices=CHOICES[1:3] + [(3, "Drie")],
        required=False,
    )(data)
    fast = [str(box) for box in form["fast"]]
    plain = [str(box) for box in form["plain"]]
    assert fast == [p.replace("plain", "fast") for p in plain]
    assert [box.tag() for box in form["fast"]] == [
        box.tag().replace("plain", "fast") for box in form["plain"]
    ]
    assert str(form["fast"]) == str(form["plain"]).replace("plain", "fast")


def test_the_filter_form_renders_as_with_django_widgets(db):
    from matching.service.forms import StudentFilterForm
    from tests.factories import SchoolFactory

    SchoolFactory.create_batch(3)
    data = {"province": ["1"], "order": "-name", "transport": ["1"]}
    form = StudentFilterForm(data)
    fast = {name: str(form[name]) for name in ("school", "order")}
    fast_boxes = {name: [str(b) for b in form[name]] for name in ("province", "transport")}
    for name in ("school", "order"):
        form.fields[name].widget = forms.Select(choices=form.fields[name].widget.choices)
    for name in ("province", "transport"):
        form.fields[name].widget = forms.CheckboxSelectMultiple(
            choices=form.fields[name].widget.choices
        )
    assert fast == {name: str(form[name]) for name in ("school", "order")}
    assert fast_boxes == {name: [str(b) for b in form[name]] for name in ("province", "transport")}
