"""Manual sections on capacity and supply and demand (issue 19): for the services' manual
and the operator's manual. Demo content of the public site, used by `seed_cms`."""

from cms.content import callout, heading, paragraph, steps

SERVICES_SECTION = [
    heading("Capaciteit: hoeveel leerlingen je kunt begeleiden"),
    paragraph(
        "<p>Onder <b>Capaciteit</b> in het menu geef je per type leerling (secundair "
        "onderwijs, volwassenenonderwijs, duaal leren) op hoeveel leerlingen jullie dienst dit "
        "schooljaar kan begeleiden, en desgewenst in welke periode je die plaatsen hebt. Laat "
        "je een type leeg, dan heb je voor dat type nog niets opgegeven.</p>"
        "<p>Op je startpagina en boven elke lijst zie je dan hoeveel plaatsen al ingevuld "
        "zijn, bijvoorbeeld <i>3 van 10 plaatsen ingevuld</i>. Ingevuld zijn de leerlingen "
        "die jullie dienst dit schooljaar aanvaardde; trek je een aanvaarding in, dan komt de "
        "plaats weer vrij.</p>"
    ),
    steps(
        "Meer aanvaarden dan je plaatsen",
        [
            (
                "Bevestigen",
                "<p>Zijn al je plaatsen ingevuld en kies je toch <b>Aanvaard</b>, dan vraagt de "
                "tool eerst om te bevestigen. Met <b>Ja, toch aanvaarden</b> aanvaard je de "
                "leerling gewoon; met <b>Annuleren</b> blijft alles zoals het was.</p>",
            ),
            (
                "Zichtbaar voor de beheerder",
                "<p>Een aanvaarding boven je capaciteit is nooit verboden: jullie weten het "
                "best wat kan. De beheerder ziet ze wel apart in de cijfers.</p>",
            ),
        ],
    ),
    callout(
        "info",
        "Correctie door de beheerder",
        "<p>De beheerder kan je capaciteit aanpassen, bijvoorbeeld na een telefoontje. Op de "
        "pagina <b>Capaciteit</b> zie je dan <i>Gecorrigeerd door de beheerder</i> met de "
        "datum; anders staat er wie van jullie dienst de capaciteit laatst wijzigde.</p>",
    ),
]

OPERATOR_INTRO = (
    "<p>Hoe de beheerder het schooljaar opvolgt: de capaciteit van de diensten en vraag en "
    "aanbod per provincie.</p>"
)

OPERATOR_SECTION = [
    heading("Capaciteit van de diensten"),
    paragraph(
        "<p>Elke dienst geeft per schooljaar en type leerling op hoeveel leerlingen hij kan "
        "begeleiden. Onder <b>Stagematching → Capaciteit</b> zie je voor elke dienst het "
        "aantal plaatsen, hoeveel daarvan ingevuld zijn (<i>3 van 10 plaatsen ingevuld</i>), "
        "hoeveel aanvaardingen boven de capaciteit liggen, en wie de capaciteit laatst "
        "wijzigde en wanneer. Je kunt een capaciteit toevoegen of corrigeren; de dienst ziet "
        "dan dat de beheerder ze aanpaste. Een capaciteit wordt niet verwijderd: zet ze op 0 "
        "plaatsen.</p>"
        "<p>Een dienst die meer leerlingen aanvaardt dan hij plaatsen heeft, moet dat eerst "
        "bevestigen, maar het blijft altijd mogelijk. Zulke aanvaardingen worden gemarkeerd en "
        "tellen mee als <i>bevestigd</i> in de kolom <b>Boven capaciteit</b>.</p>"
    ),
    heading("Vraag en aanbod"),
    paragraph(
        "<p>Onder <b>Vraag en aanbod</b> zie je per provincie en type leerling hoeveel "
        "leerlingen nog geen stageplaats hebben (volgens hun woonplaats) tegenover het aantal "
        "vrije plaatsen dat diensten opgaven (volgens de provincie van de dienst), met een "
        "grafiek, het tekort en het aantal diensten dat nog geen capaciteit opgaf. Daaronder "
        "staan de diensten die nog plaats hebben. De cijfers worden telkens opnieuw berekend: "
        "ze kloppen op elk moment van het schooljaar, en je kiest zelf welk schooljaar.</p>"
    ),
    callout(
        "info",
        "Regionale trekkers",
        "<p>Een regionale trekker ziet dezelfde pagina, beperkt tot de eigen provincie(s).</p>",
    ),
]


def with_capacity(services_body: list) -> list:
    """The services' manual with the capacity section before its closing "Hulp nodig?"."""
    closing = heading("Hulp nodig?")["value"]
    at = next(
        (i for i, block in enumerate(services_body) if block["value"] == closing),
        len(services_body),
    )
    return services_body[:at] + SERVICES_SECTION + services_body[at:]
