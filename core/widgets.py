"""Choice widgets that write Django's own markup in Python instead of through templates.

Django renders a <select> as one template include per option (option, then its attributes);
a list of 100 schools cost about a sixth of the service list page's CPU. These widgets give
the same bytes as Django's templates (tests/core/test_widgets.py compares them) for the
templates they know, and leave any other template to Django.
"""

from django import forms
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

SELECT = "django/forms/widgets/select.html"
SELECT_OPTION = "django/forms/widgets/select_option.html"
CHECKBOX_OPTION = "django/forms/widgets/checkbox_option.html"


def _attrs(attrs: dict) -> str:
    """django/forms/widgets/attrs.html"""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            parts.append(f" {conditional_escape(name)}")
        else:
            parts.append(f' {conditional_escape(name)}="{conditional_escape(str(value))}"')
    return "".join(parts)


def _option(option: dict) -> str:
    """django/forms/widgets/select_option.html"""
    return (
        f'<option value="{conditional_escape(str(option["value"]))}"{_attrs(option["attrs"])}>'
        f"{conditional_escape(localize(option['label']))}</option>\n"
    )


def _select(widget: dict) -> str:
    """django/forms/widgets/select.html"""
    out = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            out.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        for option in group_choices:
            out.append("\n  " + _option(option))
        if group_name:
            out.append("\n  </optgroup>")
    out.append("\n</select>")
    return "".join(out)


def _input_option(widget: dict) -> str:
    """django/forms/widgets/checkbox_option.html (input_option.html, input.html)"""
    value = widget["value"]
    value = f' value="{conditional_escape(str(value))}"' if value is not None else ""
    field = (
        f'<input type="{conditional_escape(widget["type"])}" '
        f'name="{conditional_escape(widget["name"])}"{value}{_attrs(widget["attrs"])}>\n'
    )
    if not widget["wrap_label"]:
        return field
    label_id = widget["attrs"].get("id")
    label_for = f' for="{conditional_escape(label_id)}"' if label_id else ""
    return f"<label{label_for}>{field} {conditional_escape(localize(widget['label']))}</label>"


class Select(forms.Select):
    """forms.Select, rendered without the template engine."""

    def _render(self, template_name, context, renderer=None):
        # Django's renderer strips what its templates write.
        if template_name == SELECT:
            return mark_safe(_select(context["widget"]).strip())
        if template_name == SELECT_OPTION:
            return mark_safe(_option(context["widget"]).strip())
        return super()._render(template_name, context, renderer)


class CheckboxSelectMultiple(forms.CheckboxSelectMultiple):
    """forms.CheckboxSelectMultiple whose boxes ({% for box in field %}) skip the template
    engine; the whole widget ({{ field }}) still renders through Django's template."""

    def _render(self, template_name, context, renderer=None):
        if template_name == CHECKBOX_OPTION:
            return mark_safe(_input_option(context["widget"]).strip())
        return super()._render(template_name, context, renderer)
