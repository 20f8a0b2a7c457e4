"""The status form of one student (list row or detail page), written in Python.

Without JavaScript every field is visible and the form posts and comes back to the row;
with it (the sm-status Stimulus controller, static/matching/service.js) the acceptance
fields show only for "Aanvaard" and the row saves in place. Tab order: status, mentor,
dates, note, then the save button.

Why not a template: a list page renders this form once per student, and as a Django
template it was about half of the page's CPU (some 90 variable look-ups, a dozen tags and
an include per row). Here the page's fixed parts — translated words, the action URL's
shape, the CSRF field ({% csrf_token %}'s own output) — are made once per page
(`StatusFormPage`), and each row only fills in its own values, every one escaped.
"""

from django.template.defaulttags import CsrfTokenNode
from django.urls import reverse
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy

# The fixed words of the form, translated once per page.
TEXTS = {
    "mentor": gettext_lazy("Stagementor"),
    "start": gettext_lazy("Start stage"),
    "end": gettext_lazy("Einde stage"),
    "note": gettext_lazy("Notitie"),
    "save": gettext_lazy("Opslaan"),
    "status_of": gettext_lazy("Status van %(name)s"),
    "for": gettext_lazy("voor %(name)s"),
    "confirm_capacity": gettext_lazy("Ja, toch aanvaarden"),
    "confirm_withdrawal": gettext_lazy("Ja, aanvaarding intrekken"),
    "cancel": gettext_lazy("Annuleren"),
}
_PK_MARK = 987654321  # stands for the student's id in the reversed action URL


class StatusFormPage:
    """What every status form of one page shares; `render(row, next_url)` writes one."""

    def __init__(self, *, csrf_field: str, is_dual: bool):
        self.text = {key: conditional_escape(str(value)) for key, value in TEXTS.items()}
        self.status_of = str(TEXTS["status_of"])
        self.for_name = str(TEXTS["for"])
        self.action = reverse("service_student_status", args=[_PK_MARK]).split(str(_PK_MARK))
        self.csrf = csrf_field
        self.is_dual = is_dual

    def render(self, row, next_url: str) -> SafeString:
        t = self.text
        pk = str(row.student.pk)
        name = conditional_escape(row.status_name)
        for_name = self.for_name % {"name": name}
        next_url = conditional_escape(next_url)
        error_field = row.error_field
        described = f' aria-describedby="status-msg-{pk}"'
        invalid = ' aria-invalid="true"'

        def field_marks(field: str) -> str:
            return invalid + described if error_field == field else ""

        status_marks = (invalid if error_field == "status" else "") + (
            described if row.error else ""
        )
        parts = [
            '<form method="post" action="',
            conditional_escape(pk.join(self.action)),
            '" class="sm-status-form',
            " sm-status-form--confirm" if row.confirm else "",
            '" data-status-form data-sm-status-target="form" '
            'data-action="submit->sm-status#submit">\n',
            self.csrf,
            f'\n<input type="hidden" name="next" value="{next_url}">\n',
            f'<label class="w-sr-only" for="status-{pk}">',
            self.status_of % {"name": name},
            "</label>\n",
            f'<select name="status" id="status-{pk}" data-status-select '
            'data-sm-status-target="status" data-action="sm-status#toggle" class="sm-status-',
            conditional_escape(row.selected),
            f'"{status_marks}>\n',
        ]
        for value, label in row.allowed:
            selected = " selected" if value == row.selected else ""
            parts.append(
                f'<option value="{conditional_escape(value)}"{selected}>'
                f"{conditional_escape(label)}</option>\n"
            )
        parts.append(
            '</select>\n<div class="sm-accept" data-accept-fields'
            + ('="always"' if self.is_dual else "")
            + ' data-sm-status-target="fields">\n'
        )
        values = row.values
        if not self.is_dual:
            parts.append(
                f'<label for="mentor-{pk}">{t["mentor"]}<span class="w-sr-only"> {for_name}'
                f'</span></label>\n<select name="mentor" id="mentor-{pk}" data-field="mentor"'
                f'{field_marks("mentor")}>\n<option value="">—</option>\n'
            )
            for mentor in row.mentors:
                selected = " selected" if values.mentor_id == mentor.pk else ""
                parts.append(
                    f'<option value="{mentor.pk}"{selected}>'
                    f"{conditional_escape(mentor.name)}</option>\n"
                )
            parts.append('</select>\n<span class="sm-accept__period">\n')
            for field, key, prefix, value in (
                ("period_start", "start", "start", values.period_start),
                ("period_end", "end", "end", values.period_end),
            ):
                parts.append(
                    f'<span class="sm-accept__date">\n<label for="{prefix}-{pk}">{t[key]}'
                    f'<span class="w-sr-only"> {for_name}</span></label>\n'
                    f'<input type="date" name="{field}" id="{prefix}-{pk}" '
                    f'value="{conditional_escape(value)}"{field_marks(field)}>\n</span>\n'
                )
            parts.append("</span>\n")
        parts.append(
            f'<label for="note-{pk}">{t["note"]}<span class="w-sr-only"> {for_name}</span>'
            f'</label>\n<input type="text" name="note" id="note-{pk}" '
            f'value="{conditional_escape(values.note)}" maxlength="2000">\n</div>\n'
        )
        if row.confirm:
            kind = conditional_escape(row.confirm_kind)
            if row.confirm_kind == "capacity":
                button = (
                    '<button type="submit" name="confirm" value="1" class="button '
                    f'button-small">{t["confirm_capacity"]}</button>'
                )
            else:
                button = (
                    '<button type="submit" name="confirm" value="1" class="button '
                    f'button-small no">{t["confirm_withdrawal"]}</button>'
                )
            parts.append(
                f'<div class="sm-confirm" role="alert" id="status-msg-{pk}" '
                f'data-testid="confirm-{kind}">\n<p>{conditional_escape(row.error)}</p>\n'
                f'<div class="sm-confirm__actions">\n{button}\n'
                f'<a class="button button-small button-secondary" href="{next_url}#s-{pk}" '
                f'data-action="sm-status#cancel">{t["cancel"]}</a>\n</div>\n</div>\n'
            )
        else:
            parts.append(
                f'<button type="submit" class="button button-small sm-save">{t["save"]}'
                f'<span class="w-sr-only"> ({name})</span></button>\n'
            )
            if row.error:
                parts.append(
                    '<p class="sm-row-msg sm-row-msg--error" role="alert" '
                    f'id="status-msg-{pk}" data-testid="row-error">'
                    f"{conditional_escape(row.error)}</p>\n"
                )
            elif row.notice:
                parts.append(
                    '<p class="sm-row-msg sm-row-msg--success" role="status" '
                    f'data-testid="row-notice">{conditional_escape(row.notice)}</p>\n'
                )
        parts.append("</form>\n")
        return mark_safe("".join(parts))


def page_for(context) -> StatusFormPage:
    """The page's StatusFormPage, made on first use and kept for the rest of this rendering
    (the root of the render context is shared by every include of one page)."""
    cache = context.render_context.dicts[0]
    page = cache.get(StatusFormPage)
    if page is None:
        page = cache[StatusFormPage] = StatusFormPage(
            csrf_field=CsrfTokenNode().render(context), is_dual=bool(context.get("is_dual"))
        )
    return page
