"""The enrolment link (accounts.enrolment): its own mail text, and the reset mail now
carries the link. A reset text an editor changed is left alone (and gets the link only
if it names {{ enrol_url }})."""

from django.db import migrations

RESET = "accounts_second_factor_reset"
LINK = "accounts_second_factor_enrol_link"

# The reset mail's body as 0006 shipped it, frozen here.
PREVIOUS_RESET_BODY = """Beste {{ naam }},

De beheerder heeft op {{ gereset_op }} de tweestapsverificatie van je login {{ email }}
gereset. Je authenticator-app en je herstelcodes werken niet meer.

Bij je volgende aanmelding op {{ site_url }} stel je na je wachtwoord een nieuwe
authenticator-app in en krijg je tien nieuwe herstelcodes.

Vroeg je dit niet aan? Neem dan meteen contact op met de helpdesk.

Met vriendelijke groeten,
Het team van {{ site_name }}
{{ site_url }}"""


def forwards(apps, schema_editor):
    from notifications.defaults import DEFAULTS

    MailTemplate = apps.get_model("notifications", "MailTemplate")
    name, placeholders, subject, body = DEFAULTS[LINK]
    MailTemplate.objects.get_or_create(
        key=LINK,
        defaults={"name": name, "placeholders": placeholders, "subject": subject, "body": body},
    )
    name, placeholders, subject, body = DEFAULTS[RESET]
    MailTemplate.objects.filter(key=RESET).update(placeholders=placeholders)
    MailTemplate.objects.filter(key=RESET, body=PREVIOUS_RESET_BODY).update(body=body)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0006_second_factor_reset_mail"),
        ("notifications", "0008_outbox_retry_schedule"),
    ]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
