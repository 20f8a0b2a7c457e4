from django.db import migrations

NEW_KEYS = ("round_started_school", "round_ended_school")


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
    dependencies = [("notifications", "0003_outbox_student_cancelled")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
