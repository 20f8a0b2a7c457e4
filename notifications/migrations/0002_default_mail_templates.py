from django.db import migrations


def forwards(apps, schema_editor):
    from notifications.defaults import DEFAULTS

    MailTemplate = apps.get_model("notifications", "MailTemplate")
    for key, (name, placeholders, subject, body) in DEFAULTS.items():
        MailTemplate.objects.get_or_create(
            key=key,
            defaults={"name": name, "placeholders": placeholders, "subject": subject, "body": body},
        )


class Migration(migrations.Migration):
    dependencies = [("notifications", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
