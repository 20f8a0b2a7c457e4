"""What a spreadsheet does to a value, undone: one normalisation per kind of cell, the same
for a CSV and an XLSX upload (a CSV that went through a spreadsheet lost the same zeros)."""

import re

from django.utils.translation import gettext as _

from matching.validators import normalize_nrn

from .sheets import megabytes

__all__ = ["megabytes", "nrn_from_cell", "phone_from_cell", "sizes"]

_LOST_ZERO = re.compile(r"^[1-9][0-9]{7,8}$")


def nrn_from_cell(text: str) -> str:
    nrn = normalize_nrn(text)
    # A spreadsheet stores 08051700106 as the number 8051700106.
    if nrn.isdigit() and len(nrn) in (9, 10):
        nrn = nrn.zfill(11)
    return nrn


def phone_from_cell(text: str) -> str:
    """A Belgian number whose leading 0 a spreadsheet dropped (470123456 -> 0470123456), the
    same whether it came as a number from an XLSX or as text from a CSV that went through a
    spreadsheet: 8 or 9 digits without a 0 or + in front are a national number minus its 0."""
    return "0" + text if _LOST_ZERO.match(text) else text


def sizes(size: int, limit: int) -> dict:
    """The size of a refused file and the limit, never shown as the same figure."""
    shown, shown_limit = megabytes(size), megabytes(limit)
    if shown == shown_limit:
        shown = _("%s bytes") % f"{size:,}".replace(",", ".")
    return {"size": shown, "max": shown_limit}
