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


# Written forms ------------------------------------------------------------------------------
# Exports write national register numbers and phone numbers in the forms people write them,
# which spreadsheets keep as text (no leading 0 lost, no number reformatting).

_PHONE_SEPARATORS = re.compile(r"[ ./()-]")
# Zones with a one-digit area code (Brussels, Antwerp, Liège, Ghent): 0Z xxx xx xx.
_ONE_DIGIT_ZONES = "2349"


def format_nrn(value: str) -> str:
    """A national register number as written on the identity card: 09.12.01-437.29.

    python-stdnum's format; a value that is not 11 digits is given back as stored."""
    if value and len(value) == 11 and value.isascii() and value.isdigit():
        # As stored (Student.clean keeps the 11 digits): stdnum's slicing without its
        # per-character clean-up, which an export paid once per row.
        return f"{value[:2]}.{value[2:4]}.{value[4:6]}-{value[6:9]}.{value[9:]}"
    digits = normalize_nrn(value)
    if len(digits) != 11 or not digits.isdigit():
        return (value or "").strip()
    return nn.format(digits)


def format_phone(value: str) -> str:
    """A Belgian phone number in its usual written form, by the Belgian numbering plan.

    Kept simple: +32 / 0032 become 0; a mobile number (04xx, 10 digits) is written
    0470 12 34 56; a 9-digit number is a landline: one-digit zones (02 Brussels, 03 Antwerp,
    04 Liège, 09 Ghent) 02 123 45 67, the other zones 050 12 34 56; 0800/0900 numbers
    0800 12 345. Anything else (a foreign number, an odd length) is given back as stored."""
    raw = (value or "").strip()
    digits = _PHONE_SEPARATORS.sub("", raw)
    if digits.startswith("+32"):
        digits = "0" + digits[3:]
    elif digits.startswith("0032"):
        digits = "0" + digits[4:]
    if not digits.isdigit() or not digits.startswith("0"):
        return raw
    if len(digits) == 10 and digits.startswith("04"):
        return f"{digits[:4]} {digits[4:6]} {digits[6:8]} {digits[8:]}"
    if len(digits) != 9:
        return raw
    if digits[1:3] in ("80", "90") and digits[3] == "0":
        return f"{digits[:4]} {digits[4:6]} {digits[6:]}"
    if digits[1] in _ONE_DIGIT_ZONES:
        return f"{digits[:2]} {digits[2:5]} {digits[5:7]} {digits[7:]}"
    return f"{digits[:3]} {digits[3:5]} {digits[5:7]} {digits[7:]}"
