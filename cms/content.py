"""Demo content of the public site, written for this tool. Used by `seed_cms` only.

StreamField values are in Wagtail's raw form ({"type": ..., "value": ...})."""


def heading(text, level="h2"):
    return {"type": "heading", "value": {"text": text, "level": level}}


def paragraph(html):
    return {"type": "paragraph", "value": html}


def callout(kind, title, html):
    return {"type": "callout", "value": {"kind": kind, "title": title, "text": html}}


def steps(title, items):
    return {
        "type": "steps",
        "value": {
            "title": title,
            "steps": [{"title": step, "text": text} for step, text in items],
        },
    }


def question(q, html):
    return {"type": "question", "value": {"question": q, "answer": html}}


HOME_INTRO = (
    "<p>Stagematching brengt leerlingen en cursisten zorg samen met diensten gezinszorg "
    "die een stageplaats of een werkplek aanbieden. Scholen schrijven hun leerlingen in, "
    "diensten kiezen wie ze een plaats geven.</p>"
)

HOME_BODY = [
    heading("Hoe werkt het?"),
    steps(
        "",
        [
            (
                "De school schrijft de leerling in",
                "<p>Met de gegevens die een dienst nodig heeft om een plaats te zoeken, "
                "en eventueel een voorkeursdienst.</p>",
            ),
            (
                "Diensten bekijken de aanvragen",
                "<p>Per ronde ziet een dienst een ruimere groep leerlingen: eerst wie hen als "
                "voorkeur koos, op het einde iedereen zonder stageplaats.</p>",
            ),
            (
                "Een dienst aanvaardt de leerling",
                "<p>Wie eerst aanvaardt, krijgt de leerling. Voor andere diensten verdwijnt de "
                "leerling dan uit de lijst.</p>",
            ),
            (
                "School en dienst regelen de stage",
                "<p>De school krijgt bericht en ziet bij welke dienst en mentor de leerling "
                "terechtkan.</p>",
            ),
        ],
    ),
]

SERVICES_INTRO = (
    "<p>Alles wat een dienst gezinszorg nodig heeft om met Stagematching te werken: "
    "aanmelden, contactpersonen, de aanvragen per type leerling, statussen en exports.</p>"
)

SERVICES_BODY = [
    heading("Aanmelden"),
    steps(
        "De eerste keer",
        [
            (
                "Open de uitnodigingsmail",
                "<p>De beheerder maakt een login aan voor elke medewerker die met de tool "
                "werkt. Je krijgt dan een mail met een persoonlijke activatielink. Die link "
                "werkt één keer en is zeven dagen geldig.</p>",
            ),
            (
                "Kies een wachtwoord",
                "<p>Minstens tien tekens. Neem een wachtwoord dat je nergens anders gebruikt.</p>",
            ),
            (
                "Meld je aan",
                "<p>Klik bovenaan deze website op <b>Aanmelden</b> en log in met je "
                "e-mailadres en het wachtwoord dat je net koos.</p>",
            ),
        ],
    ),
    callout(
        "info",
        "Eén login per persoon",
        "<p>Een login hoort bij één persoon. Meld je je met dezelfde login op een ander "
        "toestel aan, dan wordt de eerste sessie afgesloten. Heeft een collega ook toegang "
        "nodig? Vraag een eigen login aan bij de helpdesk.</p>",
    ),
    paragraph(
        "<p><b>Wachtwoord vergeten?</b> Klik op het aanmeldscherm op <i>Wachtwoord "
        "vergeten</i>. Je ontvangt een mail met een link om een nieuw wachtwoord in te "
        "stellen. Zie je niets binnenkomen, kijk dan ook bij je ongewenste mail. Na enkele "
        "mislukte pogingen blokkeert de tool het aanmelden een halfuur.</p>"
    ),
    heading("Contactpersonen stage"),
    paragraph(
        "<p>De contactpersoon stage is de mentor in jullie dienst: bij die persoon kan de "
        "leerling terecht tijdens de stage. Telkens je een leerling aanvaardt, kies je een "
        "mentor uit deze lijst. Maak de contactpersonen dus aan vóór de eerste ronde "
        "begint.</p>"
    ),
    steps(
        "",
        [
            ("Kies Contactpersonen in het menu", ""),
            ("Klik op Toevoegen", ""),
            (
                "Vul naam, telefoonnummer en e-mailadres in",
                "<p>Bewaar. De contactpersoon staat meteen in de keuzelijst bij aanvaarden.</p>",
            ),
        ],
    ),
    heading("De aanvragen bekijken"),
    paragraph(
        "<p>Het menu heeft een scherm per type leerling: <b>Secundair onderwijs</b>, "
        "<b>Volwassenenonderwijs (CVO)</b> en <b>Duaal leren</b>. Elk scherm heeft twee "
        "tabbladen:</p>"
        "<ul><li><b>Zonder stageplaats</b>: leerlingen die nog geen dienst hebben en die je "
        "in de lopende ronde mag zien.</li>"
        "<li><b>Aanvaard door ons</b>: de leerlingen die jullie dienst aanvaard heeft. Zij "
        "blijven hier staan, ook na de laatste ronde.</li></ul>"
    ),
    callout(
        "info",
        "Wie je ziet, hangt af van de ronde",
        "<p>In ronde 1 zie je enkel leerlingen uit je eigen provincie die jullie dienst als "
        "voorkeursdienst kozen. In ronde 2 geldt de voorkeur, over de provinciegrens heen. "
        "Vanaf ronde 3 zie je alle leerlingen zonder stageplaats. De precieze data staan op "
        "de tijdlijn.</p>",
    ),
    heading("Filteren en sorteren", "h3"),
    paragraph(
        "<p>Boven de lijst kan je de aanvragen beperken op:</p>"
        "<ul><li>naam van de leerling;</li>"
        "<li>provincie (je mag er meerdere aanduiden; niets aanduiden betekent alle "
        "provincies);</li>"
        "<li>school;</li>"
        "<li>postcode: de volledige postcode, of enkel de eerste twee cijfers voor een hele "
        "regio (bijvoorbeeld 30 voor de streek rond Leuven);</li>"
        "<li>vervoersmiddel (ook hier mag je er meerdere kiezen).</li></ul>"
        "<p>Een postcode heeft vier cijfers, of twee voor een regio. Tik je iets anders, dan "
        "staat er een foutmelding naast het veld en toont de tool geen lijst tot je de "
        "filter verbetert.</p>"
        "<p>Klik op een kolomtitel om te sorteren op naam, postcode of datum van inschrijving. "
        "Zonder keuze staat de lijst op provincie, postcode en familienaam. Met <b>Meer "
        "info</b> open je de volledige aanvraag.</p>"
    ),
    heading("Afstand", "h3"),
    paragraph(
        "<p>De kolom <b>Afstand</b> toont hoe ver de leerling woont van de postcode van jouw "
        "dienst, in vogelvlucht van postcode tot postcode (niet tot het adres). Klik op de "
        "kolomtitel om de dichtstbijzijnde leerlingen eerst te zien. Met de filter <b>Binnen "
        "(km)</b> hou je enkel de leerlingen binnen zoveel kilometer over, bijvoorbeeld 10. "
        "Tik je iets anders dan een getal tot 300, dan staat er een foutmelding naast het "
        "veld.</p>"
        "<p>Staat er <b>±</b> voor de afstand (bijvoorbeeld ± 12 km), dan is het een afstand "
        "bij benadering: van die postcode kennen we enkel de ligging van de gemeente of van de "
        "buurt. De ligging van de postcodes komt uit GeoNames (geonames.org, CC BY 4.0).</p>"
    ),
    heading("Een status kiezen"),
    paragraph(
        "<p>Bij elke leerling leg je vast wat jullie beslist hebben. Zolang je niets kiest, "
        "staat de leerling op <i>Onbeslist</i>.</p>"
        "<p>Je kiest de status rechtstreeks in de lijst en klikt op <b>Opslaan</b>. Alleen "
        "die rij wordt bijgewerkt, samen met de aantallen in de tabbladen: de pagina laadt "
        "niet opnieuw en je blijft op dezelfde plaats in de lijst.</p>"
    ),
    steps(
        "Een leerling aanvaarden vanuit de lijst",
        [
            (
                "Kies Aanvaard in de keuzelijst van de leerling",
                "<p>Onder de keuzelijst verschijnen stagementor, start, einde en notitie. De "
                "tool vult in wat kan: heeft jullie dienst één contactpersoon, dan staat die "
                "al gekozen; anders staat de mentor die jij het laatst koos bovenaan en "
                "gekozen. De stageperiode is de gewenste periode die de school opgaf.</p>",
            ),
            (
                "Controleer en klik op Opslaan",
                "<p>Kloppen de voorstellen, dan ben je na twee klikken klaar. Ontbreekt er "
                "iets of ligt het einde voor de start, dan zegt de tool in de rij zelf welke "
                "leerling en welk veld het is; alles wat je invulde blijft staan.</p>",
            ),
        ],
    ),
    callout(
        "info",
        "De lijst blijft bij",
        "<p>Zolang de lijst openstaat, kijkt de tool om de paar seconden of een andere dienst "
        "intussen een leerling aanvaardde. Zo'n leerling wordt in de lijst gemarkeerd als "
        "niet meer beschikbaar en de aantallen in de tabbladen passen zich aan, zonder dat "
        "je de pagina moet vernieuwen.</p>",
    ),
    heading("Secundair onderwijs en volwassenenonderwijs", "h3"),
    paragraph(
        "<ul><li><b>Onbeslist</b>: jullie hebben nog niet beslist.</li>"
        "<li><b>Niet aanvaard</b>: de leerling krijgt geen plaats bij jullie.</li>"
        "<li><b>Aanvaard</b>: de leerling loopt stage bij jullie. Je kiest de mentor en de "
        "stageperiode (begin- en einddatum). Een notitie toevoegen mag.</li></ul>"
    ),
    heading("Duaal leren", "h3"),
    paragraph(
        "<p>Bij duaal leren gaat een sollicitatiegesprek aan de beslissing vooraf. Daarom "
        "zijn er meer statussen:</p>"
        "<ul><li><b>Onbeslist</b></li>"
        "<li><b>Uitgenodigd</b>: jullie nodigen de leerling uit voor een gesprek.</li>"
        "<li><b>Niet uitgenodigd</b>: jullie nodigen de leerling niet uit.</li>"
        "<li><b>Aanvaard</b>: de leerling krijgt een werkplek bij jullie.</li>"
        "<li><b>Niet aanvaard</b>: na het gesprek is er geen werkplek.</li>"
        "<li><b>Niet opgedaagd/gestopt</b>: de leerling kwam niet opdagen of is "
        "gestopt.</li></ul>"
    ),
    callout(
        "warning",
        "Eerst uitnodigen",
        "<p>Aanvaard, Niet aanvaard en Niet opgedaagd/gestopt kan je bij duaal leren pas "
        "kiezen nadat jullie dienst de leerling uitgenodigd heeft.</p>",
    ),
    heading("Wie eerst aanvaardt", "h3"),
    paragraph(
        "<p>Een leerling kan maar bij één dienst terecht. Aanvaardt een andere dienst "
        "dezelfde leerling net vóór jou, dan meldt de tool dat de leerling niet meer vrij is "
        "en verandert er niets. De andere statussen kunnen meerdere diensten tegelijk "
        "geven.</p>"
        "<p>Was een andere dienst je net voor, dan zie je dat meteen op de pagina waar je "
        "terechtkomt: in de lijst staat de leerling als intussen geplaatst, en vanuit "
        "<b>Meer info</b> krijg je de melding in plaats van de aanvraag. Welke dienst de "
        "leerling aanvaardde, toont de tool niet.</p>"
        "<p>Per vergissing aanvaard? Kies een andere status en klik op <b>Opslaan</b>. De "
        "tool vraagt eerst om te bevestigen en zegt wat er gebeurt: de school krijgt een "
        "mail, de mentor en stageperiode worden gewist en de leerling komt opnieuw vrij voor "
        "andere diensten. In de geschiedenis bij <b>Meer info</b> staat wie de aanvaarding "
        "introk en wanneer.</p>"
        "<p>Trekt een andere dienst een aanvaarding in van een leerling die jullie nog open "
        "hadden (onbeslist of uitgenodigd), dan krijg je daarover een mail: hoogstens één per "
        "dag, elke ochtend, met alle leerlingen die sinds de vorige mail opnieuw vrijkwamen.</p>"
    ),
    heading("Persoonsgegevens"),
    callout(
        "info",
        "Pas na een uitnodiging of aanvaarding",
        "<p>Het rijksregisternummer, het e-mailadres en telefoonnummer van de leerling en de "
        "contactgegevens van de stagebegeleider van de school zie je pas wanneer jullie "
        "dienst de leerling uitgenodigd of aanvaard heeft. De tool houdt bij wie deze "
        "gegevens bekeek of exporteerde. Gebruik ze enkel om de stage te regelen.</p>",
    ),
    heading("Exporteren"),
    paragraph(
        "<p>Met de knoppen <b>CSV</b> en <b>Excel</b> download je het tabblad dat je bekijkt, "
        "met de filters die je koos. Het CSV-bestand gebruikt een puntkomma als "
        "scheidingsteken en opent zo meteen juist in Excel met Belgische instellingen.</p>"
    ),
    callout(
        "warning",
        "Bewaar exports veilig",
        "<p>Een export kan persoonsgegevens bevatten. Bewaar het bestand niet langer dan "
        "nodig en stuur het niet door buiten je dienst.</p>",
    ),
    heading("Je startpagina"),
    paragraph(
        "<p>Na het aanmelden zie je per type leerling hoeveel leerlingen je nu ziet, hoeveel "
        "daarvan nog onbeslist zijn, hoeveel er nieuw zijn sinds je vorige aanmelding en "
        "hoeveel jullie dienst aanvaardde. Daaronder staat welke ronde loopt en wanneer de "
        "volgende opent, en hoe je de helpdesk bereikt. De link naar de handleiding brengt "
        "je naar deze pagina.</p>"
    ),
    heading("Hulp nodig?"),
    paragraph(
        "<p>De helpdesk helpt je verder met vragen over de tool. Het e-mailadres, het "
        "telefoonnummer en de openingsuren staan onderaan elke pagina.</p>"
    ),
]

SCHOOLS_INTRO = (
    "<p>Zo schrijft je school of centrum voor volwassenenonderwijs leerlingen in voor een "
    "stage of werkplek in de gezinszorg, en zo volg je op waar ze terechtkomen.</p>"
)

SCHOOLS_BODY = [
    heading("Aanmelden"),
    steps(
        "",
        [
            (
                "Activeer je login via de uitnodigingsmail",
                "<p>De link in de mail is persoonlijk, werkt één keer en blijft zeven dagen "
                "geldig.</p>",
            ),
            ("Kies een wachtwoord van minstens tien tekens", ""),
            (
                "Meld je aan met je e-mailadres",
                "<p>Gebruik de knop <b>Aanmelden</b> bovenaan deze website.</p>",
            ),
        ],
    ),
    heading("Een leerling inschrijven"),
    steps(
        "",
        [
            ("Kies Leerlingen in het menu en klik op Inschrijven", ""),
            (
                "Kies het type leerling",
                "<p>Secundair onderwijs of duaal leren voor een secundaire school; "
                "volwassenenonderwijs voor een CVO.</p>",
            ),
            (
                "Vul de gegevens van de leerling in",
                "<p>Naam, rijksregisternummer, contactgegevens, postcode, opleiding, "
                "vervoersmiddelen en de gewenste periode. Vul ook de stagebegeleider van de "
                "school in.</p>",
            ),
            (
                "Duid eventueel voorkeursdiensten aan",
                "<p>Heeft de leerling al contact gehad met een dienst, kies die dan als "
                "voorkeursdienst.</p>",
            ),
            ("Bewaar", "<p>De leerling staat nu in je overzicht.</p>"),
        ],
    ),
    callout(
        "info",
        "Waarom een voorkeursdienst telt",
        "<p>In de eerste twee rondes zien diensten enkel de leerlingen die hen als voorkeur "
        "kozen. Een voorkeursdienst geeft de leerling dus een voorsprong.</p>",
    ),
    paragraph(
        "<p>De tool controleert of het rijksregisternummer geldig is. Een dienst ziet het "
        "nummer en de contactgegevens pas nadat die dienst de leerling uitnodigde of "
        "aanvaardde.</p>"
    ),
    heading("Veel leerlingen tegelijk importeren"),
    steps(
        "",
        [
            (
                "Download het sjabloon",
                "<p>Op het importscherm staat een sjabloon in Excel- en CSV-formaat met de "
                "juiste kolommen.</p>",
            ),
            (
                "Vul één rij per leerling in",
                "<p>Laat de kolomtitels staan en verander de volgorde niet.</p>",
            ),
            ("Laad het bestand op", ""),
            (
                "Lees het verslag",
                "<p>De tool meldt per rij wat er niet klopt. Verbeter je bestand en laad het "
                "opnieuw op.</p>",
            ),
        ],
    ),
    heading("Inschrijfstop tijdens ronde 1"),
    callout(
        "warning",
        "Schrijf niet in tijdens ronde 1",
        "<p>Een leerling die je inschrijft terwijl ronde 1 loopt, wordt pas zichtbaar voor "
        "de diensten wanneer ronde 3 start. De tool waarschuwt je wanneer je in die periode "
        "inschrijft. Schrijf je leerlingen daarom vóór ronde 1 in. De data staan op de "
        "tijdlijn.</p>",
    ),
    heading("De plaatsing opvolgen"),
    paragraph(
        "<p>In je overzicht zie je per leerling of een dienst hem of haar aanvaard heeft, "
        "bij welke dienst en mentor, en voor welke periode. Je krijgt ook een mail wanneer "
        "een dienst een leerling van je school aanvaardt.</p>"
        "<p>Verandert er iets aan een aanvraag, pas die dan aan of laat het de helpdesk "
        "weten.</p>"
    ),
    heading("Hulp nodig?"),
    paragraph(
        "<p>De helpdesk helpt je graag. Contactgegevens en openingsuren staan onderaan elke "
        "pagina.</p>"
    ),
]

FAQ_INTRO = "<p>Antwoorden op de vragen die diensten en scholen het vaakst stellen.</p>"

FAQ_BODY = [
    heading("Aanmelden"),
    question(
        "Ik heb geen uitnodigingsmail gekregen. Wat nu?",
        "<p>Kijk eerst bij je ongewenste mail. Is de mail ouder dan zeven dagen, dan werkt "
        "de link niet meer. Vraag de helpdesk om een nieuwe uitnodiging.</p>",
    ),
    question(
        "Kunnen meerdere collega's van onze dienst inloggen?",
        "<p>Ja. Elke collega krijgt een eigen login. Met dezelfde login tegelijk op twee "
        "toestellen werken kan niet: de oudste sessie wordt dan afgesloten.</p>",
    ),
    question(
        "Mijn login is geblokkeerd. Hoe kan dat?",
        "<p>Na enkele mislukte pogingen blokkeert de tool het aanmelden een halfuur. Probeer "
        "later opnieuw of kies <i>Wachtwoord vergeten</i>.</p>",
    ),
    heading("Leerlingen en statussen"),
    question(
        "Waarom zie ik een leerling niet of niet meer?",
        "<p>Dat kan drie oorzaken hebben: de lopende ronde toont die leerling nog niet aan "
        "jullie dienst, een andere dienst heeft de leerling al aanvaard, of de school "
        "schreef de leerling in tijdens de inschrijfstop van ronde 1.</p>",
    ),
    question(
        "Waarom zie ik het rijksregisternummer niet?",
        "<p>Persoonsgegevens zie je pas wanneer jullie dienst de leerling uitgenodigd of "
        "aanvaard heeft.</p>",
    ),
    question(
        "Twee diensten willen dezelfde leerling. Wie krijgt hem of haar?",
        "<p>De dienst die eerst aanvaardt. De tweede dienst krijgt een melding en er "
        "verandert niets.</p>",
    ),
    question(
        "Kan ik een aanvaarding ongedaan maken?",
        "<p>Ja, kies een andere status en bevestig. De school krijgt daarover een mail en de "
        "leerling komt opnieuw vrij voor andere diensten.</p>",
    ),
    question(
        "Wat betekent Niet opgedaagd/gestopt?",
        "<p>Die status bestaat enkel bij duaal leren: de leerling kwam niet naar het gesprek "
        "of is gestopt. Je kan hem pas kiezen na een uitnodiging.</p>",
    ),
    heading("Planning en export"),
    question(
        "Mag een school leerlingen inschrijven tijdens ronde 1?",
        "<p>Het kan, maar de leerling wordt dan pas zichtbaar bij de start van ronde 3. Beter "
        "is inschrijven vóór ronde 1 begint.</p>",
    ),
    question(
        "Blijft de tool open na de laatste ronde?",
        "<p>Ja. De laatste ronde blijft gelden tot de beheerder het schooljaar afsluit. Geef "
        "wijzigingen dus ook daarna nog door.</p>",
    ),
    question(
        "Hoe open ik de CSV-export in Excel?",
        "<p>Dubbelklik op het bestand. Het is zo opgemaakt dat Excel met Belgische "
        "instellingen de kolommen en accenten meteen juist toont. Lukt dat niet, kies dan "
        "de Excel-export.</p>",
    ),
]

TIMETABLE_INTRO = (
    "<p>De rondes van dit schooljaar. Deze tijdlijn komt rechtstreeks uit de instellingen "
    "van de tool: wat hier staat, is wat de tool toepast.</p>"
)

TIMETABLE_BODY = [
    callout(
        "info",
        "Na de laatste ronde",
        "<p>De tool blijft open na de laatste ronde. Geef wijzigingen, zoals een aanvaarding "
        "of een stopzetting, ook daarna door: zo blijft het overzicht juist.</p>",
    ),
]

CONTACT_INTRO = (
    "<p>Vragen over de tool of een technisch probleem? De helpdesk helpt je graag verder.</p>"
)

CONTACT_BODY = [
    callout(
        "warning",
        "Geen rijksregisternummers per mail",
        "<p>Vermeld in je mail de naam van je dienst of school. Gaat je vraag over een "
        "leerling, noem dan de naam van de leerling, maar nooit het "
        "rijksregisternummer.</p>",
    ),
]

HELPDESK = {
    "email": "helpdesk@stagematching.org",
    "phone": "02 123 45 67",
    "phone_note": "Vraag naar het team stages.",
    "monday": "09:30–12:00 en 13:00–15:00",
    "tuesday": "09:30–12:00 en 13:00–15:00",
    "wednesday": "gesloten",
    "thursday": "09:30–12:00 en 13:00–15:00",
    "friday": "09:30–12:00 en 13:00–15:00",
    "note": "Op feestdagen is de helpdesk gesloten.",
}
