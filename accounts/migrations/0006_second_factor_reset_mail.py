from django.db import migrations

KEY = "accounts_second_factor_reset"


def forwards(apps, schema_editor):
    from notifications.defaults import DEFAULTS

    MailTemplate = apps.get_model("notifications", "MailTemplate")
    name, placeholders, subject, body = DEFAULTS[KEY]
    MailTemplate.objects.get_or_create(
        key=KEY,
        defaults={"name": name, "placeholders": placeholders, "subject": subject, "body": body},
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_second_factor_reset"),
        ("notifications", "0002_default_mail_templates"),
    ]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
