from django.db import migrations

PROVINCES = [
    ("ANT", "Antwerpen"),
    ("LIM", "Limburg"),
    ("OVL", "Oost-Vlaanderen"),
    ("VBR", "Vlaams-Brabant"),
    ("WVL", "West-Vlaanderen"),
    ("BRU", "Brussels Hoofdstedelijk Gewest"),
    ("WBR", "Waals-Brabant"),
    ("HAI", "Henegouwen"),
    ("LIE", "Luik"),
    ("LUX", "Luxemburg"),
    ("NAM", "Namen"),
]
TRANSPORT_MODES = [
    ("openbaar-vervoer", "Openbaar vervoer"),
    ("fiets", "Fiets"),
    ("bromfiets", "Bromfiets"),
    ("auto", "Auto"),
    ("te-voet", "Te voet"),
]


def forwards(apps, schema_editor):
    Province = apps.get_model("matching", "Province")
    TransportMode = apps.get_model("matching", "TransportMode")
    for code, name in PROVINCES:
        Province.objects.update_or_create(code=code, defaults={"name": name})
    for position, (code, name) in enumerate(TRANSPORT_MODES):
        TransportMode.objects.update_or_create(
            code=code, defaults={"name": name, "position": position}
        )


class Migration(migrations.Migration):
    dependencies = [("matching", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
