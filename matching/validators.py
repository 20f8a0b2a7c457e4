"""Validation of Belgian identifiers, with Dutch messages for people."""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.be import nn
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength

PHONE_RE = re.compile(r"^\+?[0-9][0-9 ./()-]{7,18}[0-9]$")


def normalize_nrn(value: str) -> str:
    """Strip separators from a national register number ("85.07.30-033.61" -> 11 digits)."""
    return nn.compact(value or "")


def validate_nrn(value: str) -> None:
    """Check a national register number: 11 digits and the mod-97 check digits.

    python-stdnum accepts both the pre-2000 form (97 - number mod 97) and the post-2000
    form (a leading 2 before the number), and the birth date must be a real date.
    """
    try:
        nn.validate(value)
    except InvalidLength:
        raise ValidationError(
            _("Een rijksregisternummer telt 11 cijfers."), code="nrn_length"
        ) from None
    except InvalidFormat:
        raise ValidationError(
            _("Een rijksregisternummer bevat enkel cijfers."), code="nrn_format"
        ) from None
    except InvalidChecksum:
        raise ValidationError(
            _("Dit rijksregisternummer is ongeldig: de controlecijfers kloppen niet."),
            code="nrn_checksum",
        ) from None
    except (InvalidComponent, ValueError):
        raise ValidationError(
            _("Dit rijksregisternummer bevat geen geldige geboortedatum."), code="nrn_date"
        ) from None


def validate_phone(value: str) -> None:
    if value and not PHONE_RE.match(value.strip()):
        raise ValidationError(
            _("Geef een geldig telefoonnummer in, bijvoorbeeld 0470 12 34 56."), code="phone"
        )


def validate_no_control_characters(value: str, *, multiline: bool = False) -> None:
    """Refuse invisible control characters (U+0001, a vertical tab U+000B, ...) in text a
    person typed: they come from copying out of other programs and break exports and mail.
    A multi-line field (remarks) keeps its line breaks and tabs."""
    allowed = "\t\n\r" if multiline else ""
    for char in value or "":
        if unicodedata.category(char) == "Cc" and char not in allowed:
            raise ValidationError(
                _(
                    "Deze tekst bevat een onzichtbaar stuurteken (U+%(code)s), bijvoorbeeld "
                    "uit een ander programma gekopieerd. Verwijder het en typ de tekst opnieuw."
                ),
                code="control_character",
                params={"code": f"{ord(char):04X}"},
            )


def mask_nrn(value: str) -> str:
    """Show only the last four digits of a national register number."""
    digits = normalize_nrn(value)
    return f"•••••••{digits[-4:]}" if len(digits) >= 4 else ""
