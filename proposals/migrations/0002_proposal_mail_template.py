from django.db import migrations

NEW_KEYS = ("proposal_sent_service",)


def forwards(apps, schema_editor):
    from notifications.defaults import DEFAULTS

    MailTemplate = apps.get_model("notifications", "MailTemplate")
    for key in NEW_KEYS:
        name, placeholders, subject, body = DEFAULTS[key]
        MailTemplate.objects.get_or_create(
            key=key,
            defaults={"name": name, "placeholders": placeholders, "subject": subject, "body": body},
        )


class Migration(migrations.Migration):
    dependencies = [
        ("proposals", "0001_initial"),
        ("notifications", "0008_outbox_retry_schedule"),
    ]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
