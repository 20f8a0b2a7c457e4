"""Mail texts that still hold the text shipped before real dates, one mail per round
boundary and the dual track's words get the new shipped text (notifications.defaults).
A text an editor changed is left alone."""

from django.db import migrations

# (subject, body) as shipped by 0002/0004/0005, frozen here.
PREVIOUS = {
    'student_withdrawn_school': ('Stagematching: {{ dienst }} trok de aanvaarding van {{ leerling }} in', 'Beste {{ naam }},\n\n{{ dienst }} heeft de aanvaarding van {{ leerling }} ({{ school }}) ingetrokken.\nDe leerling heeft dus geen stageplaats meer bij deze dienst en is opnieuw zichtbaar voor\nde andere diensten volgens de lopende ronde.\n\nMeer details vind je na aanmelden op {{ site_url }}.\n\nMet vriendelijke groeten,\nHet team van Stagematching gezinszorg\n{{ site_url }}'),
    "accounts_invitation": (
        "Uitnodiging voor {{ site_name }}",
        "Beste,\n"
        "\n"
        "Je werd uitgenodigd om {{ site_name }} te gebruiken als {{ role }}{% "
        "if organisation %}\n"
        "voor {{ organisation }}{% endif %}.\n"
        "Kies je wachtwoord via deze persoonlijke link. Ze is geldig tot {{ "
        "expires_at }} en werkt\n"
        "maar één keer:\n"
        "\n"
        "{{ activation_url }}\n"
        "\n"
        "Later meld je aan op {{ site_url }} met je e-mailadres.\n"
        "\n"
        "Met vriendelijke groeten,\n"
        "Het team van Stagematching gezinszorg\n"
        "{{ site_url }}",
    ),
    "accounts_password_reset": (
        "{{ site_name }}: nieuw wachtwoord instellen",
        "Beste,\n"
        "\n"
        "Je vroeg om je wachtwoord opnieuw in te stellen. Dat kan via "
        "deze link:\n"
        "\n"
        "{{ reset_url }}\n"
        "\n"
        "Vroeg je dit niet aan? Dan mag je deze e-mail negeren; je "
        "wachtwoord blijft ongewijzigd.\n"
        "\n"
        "Met vriendelijke groeten,\n"
        "Het team van Stagematching gezinszorg\n"
        "{{ site_url }}",
    ),
    "reminder_undecided": (
        "Stagematching: {{ aantal }} aanvra{{ aantal|pluralize:'ag,gen' }} nog onbeslist",
        "Beste {{ naam }},\n"
        "\n"
        "Voor {{ dienst }} staan er op {{ datum }} nog {{ aantal }} zichtbare "
        "aanvragen zonder\n"
        "beslissing:\n"
        "{% for regel in per_type %}- {{ regel }}\n"
        "{% endfor %}\n"
        "Geef hen een status (aanvaard of niet aanvaard) via {{ site_url }}, "
        "zodat elke leerling\n"
        "tijdig een stageplaats vindt.\n"
        "\n"
        "Met vriendelijke groeten,\n"
        "Het team van Stagematching gezinszorg\n"
        "{{ site_url }}",
    ),
    "round_ended": (
        "Stagematching: {{ ronde }} is afgelopen",
        "Beste {{ naam }},\n"
        "\n"
        "{{ ronde }} ({{ type }}) van stagematching voor schooljaar {{ schooljaar }} "
        "liep af op\n"
        "{{ einde }}. De tool blijft open: geef alle wijzigingen van statussen nog "
        "door, zodat we\n"
        "een volledig zicht houden op de aanvaarde stageplaatsen.\n"
        "\n"
        "Met vriendelijke groeten,\n"
        "Het team van Stagematching gezinszorg\n"
        "{{ site_url }}",
    ),
    "round_ended_school": (
        "Stagematching: {{ ronde }} is afgelopen",
        "Beste {{ naam }},\n"
        "\n"
        "{{ ronde }} ({{ type }}) van stagematching voor schooljaar {{ "
        "schooljaar }} liep af op\n"
        "{{ einde }}. Op {{ site_url }} ziet u welke van uw leerlingen een "
        "stageplaats kregen en\n"
        "welke nog niet. Heeft een leerling intussen zelf een stageplaats "
        "gevonden of stopt hij\n"
        "met de opleiding? Laat het ons weten.\n"
        "\n"
        "Met vriendelijke groeten,\n"
        "Het team van Stagematching gezinszorg\n"
        "{{ site_url }}",
    ),
    "round_started": (
        "Stagematching: {{ ronde }} is gestart",
        "Beste {{ naam }},\n"
        "\n"
        "Vandaag om {{ start }} startte {{ ronde }} ({{ type }}) van stagematching "
        "voor schooljaar\n"
        "{{ schooljaar }}. In deze ronde zie je: {{ zichtbaarheid }}.\n"
        "De ronde loopt tot {{ einde }}.\n"
        "\n"
        "Meld je aan op {{ site_url }} om de aanvragen te bekijken en een status te "
        "geven.\n"
        "\n"
        "Met vriendelijke groeten,\n"
        "Het team van Stagematching gezinszorg\n"
        "{{ site_url }}",
    ),
    "round_started_school": (
        "Stagematching: {{ ronde }} is gestart",
        "Beste {{ naam }},\n"
        "\n"
        "Vandaag om {{ start }} startte {{ ronde }} ({{ type }}) van "
        "stagematching voor schooljaar\n"
        "{{ schooljaar }}. De diensten gezinszorg zien in deze ronde: {{ "
        "zichtbaarheid }}.\n"
        "De ronde loopt tot {{ einde }}.\n"
        "\n"
        "Op {{ site_url }} volgt u welke van uw leerlingen al een "
        "stageplaats kregen. Controleer\n"
        "of de gegevens van uw leerlingen kloppen: zodra een dienst een "
        "leerling aanvaardt, kunt u\n"
        "enkel de opmerkingen nog wijzigen.\n"
        "\n"
        "Met vriendelijke groeten,\n"
        "Het team van Stagematching gezinszorg\n"
        "{{ site_url }}",
    ),
    "student_accepted_school": (
        "Stagematching: {{ leerling }} heeft een stageplaats",
        "Beste {{ naam }},\n"
        "\n"
        "{{ dienst }} heeft {{ leerling }} ({{ school }}) aanvaard voor "
        "een stage.\n"
        "{% if mentor %}Stagementor: {{ mentor }}\n"
        "{% endif %}{% if stage_start %}Periode: {{ stage_start }} tot {{ "
        "stage_einde }}\n"
        "{% endif %}\n"
        "Meer details vind je na aanmelden op {{ site_url }}.\n"
        "\n"
        "Met vriendelijke groeten,\n"
        "Het team van Stagematching gezinszorg\n"
        "{{ site_url }}",
    ),
}


def forwards(apps, schema_editor):
    from notifications.defaults import DEFAULTS

    MailTemplate = apps.get_model("notifications", "MailTemplate")
    for key, (subject, body) in PREVIOUS.items():
        _name, placeholders, new_subject, new_body = DEFAULTS[key]
        MailTemplate.objects.filter(key=key, subject=subject, body=body).update(
            subject=new_subject, body=new_body, placeholders=placeholders
        )


class Migration(migrations.Migration):
    dependencies = [("notifications", "0006_outbox_link")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
