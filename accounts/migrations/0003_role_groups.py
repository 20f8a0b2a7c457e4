from django.db import migrations


def create_role_groups(apps, schema_editor):
    from accounts.roles import create_all_permissions, ensure_role_groups

    create_all_permissions(apps, using=schema_editor.connection.alias)
    ensure_role_groups(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_usersession_invitation"),
        ("matching", "0002_reference_data"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
    ]

    operations = [migrations.RunPython(create_role_groups, migrations.RunPython.noop)]
