"""The public manuals explain capacity and supply and demand (seed_cms, the demo's content):
a section in the services' manual before its closing "Hulp nodig?", and the operator's."""

from django.core.management import call_command

from cms.models import ContentPage


def _text(page) -> str:
    """The page's body as rendered (steps and callouts included)."""
    return str(page.body)


def test_the_manuals_explain_capacity_and_supply_and_demand(db):
    call_command("seed_cms", verbosity=0)
    services = ContentPage.objects.get(slug="handleiding-diensten")
    text = _text(services)
    assert "Capaciteit: hoeveel leerlingen je kunt begeleiden" in text
    assert "Ja, toch aanvaarden" in text and "3 van 10 plaatsen ingevuld" in text
    assert text.index("Capaciteit: hoeveel") < text.index("Hulp nodig?")
    operator = ContentPage.objects.get(slug="handleiding-beheerder")
    assert operator.live
    assert "Capaciteit van de diensten" in _text(operator)
    assert "Vraag en aanbod" in _text(operator)
