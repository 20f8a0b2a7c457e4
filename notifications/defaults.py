"""The Dutch mail texts the tool ships with. Editors change them in the admin
("E-mailteksten"); these are only the starting point and the fallback when a row is missing.

Each entry: key -> (name, placeholders, subject, body)."""

SIGNATURE = """
Met vriendelijke groeten,
Het team van Stagematching gezinszorg
{{ site_url }}"""

DEFAULTS = {
    "round_started": (
        "Start van een ronde",
        "naam, ronde, nummer, type, zichtbaarheid, start, einde, schooljaar, site_url",
        "Stagematching: {{ ronde }} is gestart",
        """Beste {{ naam }},

Vandaag om {{ start }} startte {{ ronde }} ({{ type }}) van stagematching voor schooljaar
{{ schooljaar }}. In deze ronde zie je: {{ zichtbaarheid }}.
De ronde loopt tot {{ einde }}.

Meld je aan op {{ site_url }} om de aanvragen te bekijken en een status te geven.
"""
        + SIGNATURE,
    ),
    "round_ended": (
        "Einde van een ronde",
        "naam, ronde, nummer, type, zichtbaarheid, start, einde, schooljaar, site_url",
        "Stagematching: {{ ronde }} is afgelopen",
        """Beste {{ naam }},

{{ ronde }} ({{ type }}) van stagematching voor schooljaar {{ schooljaar }} liep af op
{{ einde }}. De tool blijft open: geef alle wijzigingen van statussen nog door, zodat we
een volledig zicht houden op de aanvaarde stageplaatsen.
"""
        + SIGNATURE,
    ),
    "round_started_school": (
        "Start van een ronde (scholen)",
        "naam, ronde, nummer, type, zichtbaarheid, start, einde, schooljaar, site_url",
        "Stagematching: {{ ronde }} is gestart",
        """Beste {{ naam }},

Vandaag om {{ start }} startte {{ ronde }} ({{ type }}) van stagematching voor schooljaar
{{ schooljaar }}. De diensten gezinszorg zien in deze ronde: {{ zichtbaarheid }}.
De ronde loopt tot {{ einde }}.

Op {{ site_url }} volgt u welke van uw leerlingen al een stageplaats kregen. Controleer
of de gegevens van uw leerlingen kloppen: zodra een dienst een leerling aanvaardt, kunt u
enkel de opmerkingen nog wijzigen.
"""
        + SIGNATURE,
    ),
    "round_ended_school": (
        "Einde van een ronde (scholen)",
        "naam, ronde, nummer, type, zichtbaarheid, start, einde, schooljaar, site_url",
        "Stagematching: {{ ronde }} is afgelopen",
        """Beste {{ naam }},

{{ ronde }} ({{ type }}) van stagematching voor schooljaar {{ schooljaar }} liep af op
{{ einde }}. Op {{ site_url }} ziet u welke van uw leerlingen een stageplaats kregen en
welke nog niet. Heeft een leerling intussen zelf een stageplaats gevonden of stopt hij
met de opleiding? Laat het ons weten.
"""
        + SIGNATURE,
    ),
    "reminder_undecided": (
        "Herinnering: onbesliste aanvragen",
        "naam, dienst, aantal, per_type, datum, site_url",
        "Stagematching: {{ aantal }} aanvra{{ aantal|pluralize:'ag,gen' }} nog onbeslist",
        """Beste {{ naam }},

Voor {{ dienst }} staan er op {{ datum }} nog {{ aantal }} zichtbare aanvragen zonder
beslissing:
{% for regel in per_type %}- {{ regel }}
{% endfor %}
Geef hen een status (aanvaard of niet aanvaard) via {{ site_url }}, zodat elke leerling
tijdig een stageplaats vindt.
"""
        + SIGNATURE,
    ),
    "accounts_invitation": (
        "Uitnodiging voor een nieuwe gebruiker",
        "activation_url, role, organisation, expires_at, site_name, site_url",
        "Uitnodiging voor {{ site_name }}",
        """Beste,

Je werd uitgenodigd om {{ site_name }} te gebruiken als {{ role }}{% if organisation %}
voor {{ organisation }}{% endif %}.
Kies je wachtwoord via deze persoonlijke link. Ze is geldig tot {{ expires_at }} en werkt
maar één keer:

{{ activation_url }}

Later meld je aan op {{ site_url }} met je e-mailadres.
"""
        + SIGNATURE,
    ),
    "accounts_password_reset": (
        "Wachtwoord opnieuw instellen",
        "reset_url, site_name, site_url",
        "{{ site_name }}: nieuw wachtwoord instellen",
        """Beste,

Je vroeg om je wachtwoord opnieuw in te stellen. Dat kan via deze link:

{{ reset_url }}

Vroeg je dit niet aan? Dan mag je deze e-mail negeren; je wachtwoord blijft ongewijzigd.
"""
        + SIGNATURE,
    ),
    "accounts_second_factor_reset": (
        "Tweestapsverificatie gereset",
        "naam, email, gereset_op, site_name, site_url",
        "{{ site_name }}: je tweestapsverificatie werd gereset",
        """Beste {{ naam }},

De beheerder heeft op {{ gereset_op }} de tweestapsverificatie van je login {{ email }}
gereset. Je authenticator-app en je herstelcodes werken niet meer.

Bij je volgende aanmelding op {{ site_url }} stel je na je wachtwoord een nieuwe
authenticator-app in en krijg je tien nieuwe herstelcodes.

Vroeg je dit niet aan? Neem dan meteen contact op met de helpdesk.
"""
        + SIGNATURE,
    ),
    "student_accepted_school": (
        "Leerling aanvaard (aan de school)",
        "naam, school, leerling, dienst, mentor, stage_start, stage_einde, site_url",
        "Stagematching: {{ leerling }} heeft een stageplaats",
        """Beste {{ naam }},

{{ dienst }} heeft {{ leerling }} ({{ school }}) aanvaard voor een stage.
{% if mentor %}Stagementor: {{ mentor }}
{% endif %}{% if stage_start %}Periode: {{ stage_start }} tot {{ stage_einde }}
{% endif %}
Meer details vind je na aanmelden op {{ site_url }}.
"""
        + SIGNATURE,
    ),
    "student_withdrawn_school": (
        "Aanvaarding ingetrokken (aan de school)",
        "naam, school, leerling, dienst, site_url",
        "Stagematching: {{ dienst }} trok de aanvaarding van {{ leerling }} in",
        """Beste {{ naam }},

{{ dienst }} heeft de aanvaarding van {{ leerling }} ({{ school }}) ingetrokken.
De leerling heeft dus geen stageplaats meer bij deze dienst en is opnieuw zichtbaar voor
de andere diensten volgens de lopende ronde.

Meer details vind je na aanmelden op {{ site_url }}.
"""
        + SIGNATURE,
    ),
}
