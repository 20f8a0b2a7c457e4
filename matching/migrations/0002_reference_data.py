from django.db import migrations


def forwards(apps, schema_editor):
    from matching.reference import ensure_reference_data

    ensure_reference_data(apps)


class Migration(migrations.Migration):
    dependencies = [("matching", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
