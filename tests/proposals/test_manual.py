"""The public manuals explain the proposals: the services' manual has its section, and the
operator's manual page exists (seed_cms, the demo's content)."""

from django.core.management import call_command

from cms.models import ContentPage


def _text(page) -> str:
    return str(page.body)  # the body rendered as the page shows it


def test_the_manuals_explain_proposals(db):
    call_command("seed_cms", verbosity=0)
    services = ContentPage.objects.get(slug="handleiding-diensten")
    text = _text(services)
    assert "Voorstellen na ronde 3" in text and "Weigeren" in text
    # The section sits before the closing "Hulp nodig?".
    assert text.index("Voorstellen na ronde 3") < text.index("Hulp nodig?")
    operator = ContentPage.objects.get(slug="handleiding-beheerder")
    assert operator.live
    assert "Plaatsingsvoorstellen na ronde 3" in _text(operator)
    assert "Geweigerde koppels" in _text(operator)
