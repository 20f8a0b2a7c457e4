"""The Dutch mail texts the tool ships with. Editors change them in the admin
("E-mailteksten"); these are only the starting point and the fallback when a row is missing.

Each entry: key -> (name, placeholders, subject, body).

Moments are stated with their real date ("dinsdag 25/11/2026 om 12:00", see
matching.wording), never "vandaag". A round mail covers every track whose round starts
or ends at that moment (`rondes`: one line per track); the dual track speaks of a workplace
(werkplek) and an interview (sollicitatiegesprek)."""

SIGNATURE = """
Met vriendelijke groeten,
Het team van {{ site_name }}
{{ site_url }}"""

ROUND_PLACEHOLDERS = (
    "naam, ronde, nummer, type, types, rondes (type, ronde, zichtbaarheid, start, einde, "
    "duaal), zichtbaarheid, start, einde, moment, schooljaar, duaal, enkel_duaal, plaats, "
    "plaatsen, site_name, "
    "site_url"
)

DEFAULTS = {
    "round_started": (
        "Start van een ronde",
        ROUND_PLACEHOLDERS,
        "{{ site_name }}: {{ ronde }} is gestart ({{ type }})",
        """Beste {{ naam }},

Op {{ moment }} startte {{ ronde }} van stagematching voor schooljaar {{ schooljaar }}.
{% for r in rondes %}
{{ r.type }} ({{ r.ronde }}): je ziet {{ r.zichtbaarheid|lower }}.
De ronde loopt tot {{ r.einde }}.
{% endfor %}
{% if not enkel_duaal %}Meld je aan op {{ site_url }} om de aanvragen te bekijken en elke
leerling een status te geven (aanvaard of niet aanvaard).
{% endif %}{% if duaal %}Duaal leren: nodig de leerlingen die bij jullie dienst passen uit voor
een sollicitatiegesprek en laat na het gesprek weten of je hen een werkplek aanbiedt.
{% if enkel_duaal %}Meld je daarvoor aan op {{ site_url }}.
{% endif %}{% endif %}"""
        + SIGNATURE,
    ),
    "round_ended": (
        "Einde van een ronde",
        ROUND_PLACEHOLDERS,
        "{{ site_name }}: {{ ronde }} is afgelopen ({{ type }})",
        """Beste {{ naam }},

Op {{ moment }} liep {{ ronde }} van stagematching voor schooljaar {{ schooljaar }} af
voor {{ type }}.

De tool blijft open: geef alle wijzigingen van statussen nog door via {{ site_url }}, zodat
we een volledig zicht houden op de aanvaarde {{ plaatsen }}.
"""
        + SIGNATURE,
    ),
    "round_started_school": (
        "Start van een ronde (scholen)",
        ROUND_PLACEHOLDERS,
        "{{ site_name }}: {{ ronde }} is gestart ({{ type }})",
        """Beste {{ naam }},

Op {{ moment }} startte {{ ronde }} van stagematching voor schooljaar {{ schooljaar }}.
{% for r in rondes %}
{{ r.type }} ({{ r.ronde }}): de diensten gezinszorg zien {{ r.zichtbaarheid|lower }}.
De ronde loopt tot {{ r.einde }}.
{% endfor %}{% if duaal %}
Duaal leren: een dienst die een leerling wil leren kennen, nodigt hem of haar uit voor een
sollicitatiegesprek; daarna hoort u of de leerling een werkplek krijgt.
{% endif %}
Op {{ site_url }} volgt u welke van uw leerlingen al een {{ plaats }} kregen. Controleer
of de gegevens van uw leerlingen kloppen: zodra een dienst een leerling aanvaardt, kunt u
enkel de opmerkingen nog wijzigen.
"""
        + SIGNATURE,
    ),
    "round_ended_school": (
        "Einde van een ronde (scholen)",
        ROUND_PLACEHOLDERS,
        "{{ site_name }}: {{ ronde }} is afgelopen ({{ type }})",
        """Beste {{ naam }},

Op {{ moment }} liep {{ ronde }} van stagematching voor schooljaar {{ schooljaar }} af
voor {{ type }}. Op {{ site_url }} ziet u welke van uw leerlingen een {{ plaats }}
kregen en welke nog niet. Heeft een leerling intussen zelf een {{ plaats }} gevonden of
stopt hij of zij met de opleiding? Laat het ons weten.
"""
        + SIGNATURE,
    ),
    "reminder_undecided": (
        "Herinnering: onbesliste aanvragen",
        "naam, dienst, aantal, per_type, datum, duaal, enkel_duaal, site_name, site_url",
        "{{ site_name }}: {{ aantal }} aanvra{{ aantal|pluralize:'ag,gen' }} nog onbeslist",
        """Beste {{ naam }},

Voor {{ dienst }} sta{{ aantal|pluralize:'at,an' }} er op {{ datum }} nog {{ aantal }} zichtbare
aanvra{{ aantal|pluralize:'ag,gen' }} zonder beslissing:
{% for regel in per_type %}- {{ regel }}
{% endfor %}
{% if not enkel_duaal %}Geef elke leerling een status (aanvaard of niet aanvaard) via
{{ site_url }}, zodat iedereen tijdig een stageplaats vindt.
{% endif %}{% if duaal %}Duaal leren: nodig de leerlingen die bij jullie passen uit voor een
sollicitatiegesprek (of geef aan dat je hen niet uitnodigt) via {{ site_url }}.
{% endif %}"""
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

Je vroeg om je wachtwoord voor {{ site_name }} opnieuw in te stellen. Dat kan binnen het
uur via deze link:

{{ reset_url }}

Vroeg je dit niet aan? Dan mag je deze e-mail negeren; je wachtwoord blijft ongewijzigd.
"""
        + SIGNATURE,
    ),
    "accounts_second_factor_reset": (
        "Tweestapsverificatie gereset",
        "naam, email, gereset_op, enrol_url, geldig_uren, site_name, site_url",
        "{{ site_name }}: je tweestapsverificatie werd gereset",
        """Beste {{ naam }},

De beheerder heeft op {{ gereset_op }} de tweestapsverificatie van je login {{ email }}
gereset. Je authenticator-app, je herstelcodes en je passkeys werken niet meer.

Stel een nieuwe authenticator-app in via deze persoonlijke link. Je meldt je daarna aan
met je wachtwoord en krijgt tien nieuwe herstelcodes. De link is {{ geldig_uren }} uur
geldig en werkt tot je een nieuwe app hebt ingesteld:

{{ enrol_url }}

Vroeg je dit niet aan? Neem dan meteen contact op met de helpdesk.
"""
        + SIGNATURE,
    ),
    "accounts_second_factor_enrol_link": (
        "Link om de tweestapsverificatie in te stellen",
        "naam, email, enrol_url, geldig_uren, site_name, site_url",
        "{{ site_name }}: stel je tweestapsverificatie in",
        """Beste {{ naam }},

Je meldde je aan op {{ site_name }} met je login {{ email }}. Voor je verder kunt, stel je
de tweestapsverificatie in met een authenticator-app. Open daarvoor deze persoonlijke
link; je meldt je daarna aan met je wachtwoord. De link is {{ geldig_uren }} uur geldig en
werkt tot je een app hebt ingesteld:

{{ enrol_url }}

Meldde jij je niet aan? Dan kent iemand anders je wachtwoord. Kies meteen een nieuw
wachtwoord via "Wachtwoord vergeten?" op {{ site_url }} en verwittig de helpdesk.
"""
        + SIGNATURE,
    ),
    "student_accepted_school": (
        "Leerling aanvaard (aan de school)",
        "naam, school, leerling, dienst, type, duaal, plaats, een_plaats, mentor, "
        "mentor_label, stage_start, stage_einde, site_name, site_url",
        "{{ site_name }}: {{ leerling }} heeft een {{ plaats }}",
        """Beste {{ naam }},

{{ dienst }} heeft {{ leerling }} ({{ school }}) aanvaard voor {{ een_plaats }}.
{% if mentor %}{{ mentor_label }}: {{ mentor }}
{% endif %}{% if stage_start %}Periode: van {{ stage_start }} tot {{ stage_einde }}
{% endif %}
Meer details vindt u na aanmelden op {{ site_url }}.
"""
        + SIGNATURE,
    ),
    "student_withdrawn_school": (
        "Aanvaarding ingetrokken (aan de school)",
        "naam, school, leerling, dienst, plaats, site_name, site_url",
        "{{ site_name }}: {{ dienst }} trok de aanvaarding van {{ leerling }} in",
        """Beste {{ naam }},

{{ dienst }} heeft de aanvaarding van {{ leerling }} ({{ school }}) ingetrokken.
De leerling heeft dus geen {{ plaats }} meer bij deze dienst en is opnieuw zichtbaar voor
de andere diensten volgens de lopende ronde.

Meer details vindt u na aanmelden op {{ site_url }}.
"""
        + SIGNATURE,
    ),
    "student_reoffered_service": (
        "Leerlingen opnieuw beschikbaar (dagelijks overzicht aan de dienst)",
        "naam, dienst, aantal, leerlingen, datum, site_name, site_url",
        "{{ site_name }}: {% if aantal == 1 %}1 leerling is{% else %}{{ aantal }} leerlingen "
        "zijn{% endif %} opnieuw beschikbaar",
        """Beste {{ naam }},

Een andere dienst heeft de aanvaarding ingetrokken van {% if aantal == 1 %}deze leerling
{% else %}deze {{ aantal }} leerlingen {% endif %}die {{ dienst }} nog open had (onbeslist of
uitgenodigd). Ze zoeken opnieuw een stageplaats en staan weer in uw lijst "Zonder stageplaats":
{% for leerling in leerlingen %}
- {{ leerling }}{% endfor %}

Dit overzicht krijgt u hoogstens één keer per dag (toestand van {{ datum }}). Meer info vindt u
na aanmelden op {{ site_url }}.
"""
        + SIGNATURE,
    ),
    "proposal_sent_service": (
        "Plaatsingsvoorstel (aan de dienst)",
        "naam, dienst, aantal, type, schooljaar, antwoorden_tot, plaats, voorstellen_url, "
        "site_name, site_url",
        "{{ site_name }}: {{ aantal }} voorgestelde leerling{{ aantal|pluralize:'en' }} "
        "voor {{ dienst }}",
        """Beste {{ naam }},

Ronde 3 loopt en nog niet elke leerling heeft een {{ plaats }}. Op basis van de vrije
plaatsen van {{ dienst }} stellen we {{ aantal }} leerling{{ aantal|pluralize:'en' }}
({{ type }}, schooljaar {{ schooljaar }}) aan jullie voor: een voorkeursdienst waar dat kon,
anders een dienst zo dicht mogelijk bij de leerling.

Bekijk het voorstel in het tabblad "Voorstellen" en aanvaard of weiger elke leerling
(met een reden) voor {{ antwoorden_tot }}:
{{ voorstellen_url }}

Wie eerst aanvaardt, krijgt de leerling: werd een leerling intussen door een andere dienst
aanvaard, dan ziet u dat in het voorstel.
"""
        + SIGNATURE,
    ),
}
