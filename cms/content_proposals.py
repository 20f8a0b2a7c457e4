"""Manual sections on the placement proposals after round 3 (issue 19): for the services'
manual and the operator's manual. Demo content of the public site, used by `seed_cms`."""

from cms.content import callout, heading, paragraph, steps

SERVICES_SECTION = [
    heading("Voorstellen na ronde 3"),
    paragraph(
        "<p>Zodra ronde 3 loopt, kan de beheerder voor de leerlingen die nog geen stageplaats "
        "hebben een <b>plaatsingsvoorstel</b> laten berekenen. Stagematching zoekt dan voor "
        "zoveel mogelijk leerlingen een dienst met vrije plaatsen: eerst een voorkeursdienst "
        "van de leerling, anders een dienst zo dicht mogelijk bij de leerling, en bij voorkeur "
        "een die de leerling met een eigen vervoermiddel kan bereiken. Een leerling die jullie "
        "dienst al <b>niet aanvaard</b> (of niet uitgenodigd) had, of die jullie in een eerder "
        "voorstel weigerden, wordt jullie nooit voorgesteld. Het aantal voorgestelde leerlingen "
        "is nooit groter dan jullie vrije plaatsen (capaciteit min de aanvaarde leerlingen).</p>"
    ),
    steps(
        "Een voorstel beantwoorden",
        [
            (
                "Mail",
                "<p>Elke login van jullie dienst krijgt één mail met het aantal voorgestelde "
                "leerlingen en de uiterste antwoorddatum. De mail noemt geen namen.</p>",
            ),
            (
                "Voorstellen",
                "<p>Open <b>Voorstellen</b> in het menu. Per leerling zie je wat ook in je "
                "lijst staat (naam, school, woonplaats, vervoer) en waarom de leerling "
                "voorgesteld wordt, bijvoorbeeld <i>voorkeursdienst, 12 km, vervoer: "
                "fiets</i>.</p>",
            ),
            (
                "Aanvaarden",
                "<p>Kies de stagementor en de stageperiode en klik op <b>Aanvaarden</b>. Dat is "
                "dezelfde aanvaarding als in je lijst: de school krijgt een mail en wie eerst "
                "aanvaardt, krijgt de leerling.</p>",
            ),
            (
                "Weigeren",
                "<p>Geef een reden en klik op <b>Weigeren</b>. De leerling wordt jullie dienst "
                "dit schooljaar niet meer voorgesteld; je status in de lijst verandert niet.</p>",
            ),
        ],
    ),
    callout(
        "info",
        "Intussen elders geplaatst",
        "<p>Aanvaardde een andere dienst de leerling vóór jou, dan meldt het voorstel dat de "
        "leerling intussen door een andere dienst aanvaard werd, zonder te zeggen welke. Na de "
        "uiterste datum vervalt een voorstel zonder antwoord.</p>",
    ),
]


def with_proposals(services_body: list) -> list:
    """The services' manual with the proposals section before its closing "Hulp nodig?"."""
    at = next(
        (
            i
            for i, block in enumerate(services_body)
            if block["value"] == heading("Hulp nodig?")["value"]
        ),
        len(services_body),
    )
    return services_body[:at] + SERVICES_SECTION + services_body[at:]


OPERATOR_INTRO = (
    "<p>Hoe de beheerder het schooljaar opvolgt: de leerlingen die na ronde 3 nog geen "
    "stageplaats hebben, plaatsingsvoorstellen en hun uitkomst.</p>"
)

OPERATOR_BODY = [
    heading("Plaatsingsvoorstellen na ronde 3"),
    paragraph(
        "<p>Onder <b>Plaatsingsvoorstellen</b> verschijnt per type leerling (secundair "
        "onderwijs, volwassenenonderwijs) de knop <b>Voorstel berekenen</b> zodra ronde 3 "
        "loopt; wanneer u hem gebruikt, kiest u zelf. Duaal leren krijgt geen voorstel: daar "
        "kiest de dienst na een sollicitatiegesprek.</p>"
        "<p>Het voorstel plaatst eerst zoveel mogelijk leerlingen, kiest dan zoveel mogelijk "
        "voorkeursdiensten, dan de kortste afstanden en ten slotte een passend vervoermiddel. "
        "Het gebruikt enkel de vrije plaatsen die de diensten opgaven, toont een dienst enkel "
        "leerlingen die de lopende ronde hem laat zien, en stelt nooit een leerling voor aan "
        "een dienst die hem niet aanvaardde, niet uitnodigde of hem in een eerder voorstel "
        "weigerde.</p>"
    ),
    steps(
        "Van voorstel tot plaatsing",
        [
            (
                "Nakijken",
                "<p>Het concept toont per leerling de dienst en waarom (voorkeursdienst, "
                "afstand, vervoer), en de aantallen per provincie. Met <b>Schrappen</b> haalt "
                "u een regel eruit.</p>",
            ),
            (
                "Versturen",
                "<p>Kies tot wanneer de diensten kunnen antwoorden en klik op <b>Voorstel "
                "versturen</b>. Elke dienst krijgt één mail (aan elke login) met het aantal "
                "leerlingen en die datum.</p>",
            ),
            (
                "Opvolgen",
                "<p>Per regel ziet u of de dienst aanvaardde, weigerde (met de reden), of de "
                "leerling intussen elders geplaatst werd, of het voorstel nog open staat of "
                "verliep; per provincie de aantallen.</p>",
            ),
            (
                "Volgend voorstel",
                "<p>Na de uiterste datum (of nadat u het voorstel afsloot) berekent u een "
                "volgend voorstel voor wie overblijft. Geweigerde koppels komen er niet meer "
                "in voor.</p>",
            ),
        ],
    ),
]
