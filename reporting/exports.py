"""The operator's export of a school year: streamed rows, an audit row completed after the
last row, and an access-log row per student when personal data is included."""

from collections.abc import Iterator

from core.exports import export_response
from matching.models import PersonalDataAccess, SchoolYear
from matching.services import personal_data_log

from . import export_selectors, services
from .models import OperatorExport


def _rows(*, export: OperatorExport, user, chunk_size: int) -> Iterator[list]:
    count = 0
    for chunk in export_selectors.export_chunks(
        school_year=export.school_year,
        with_personal_data=export.with_personal_data,
        chunk_size=chunk_size,
    ):
        if export.with_personal_data:
            # Logged as the rows are produced: what is written is shown.
            personal_data_log(
                user=user, students=chunk.student_ids, context=PersonalDataAccess.Context.OPERATOR
            )
        count += len(chunk.rows)
        yield from chunk.rows
    services.operator_export_complete(export=export, row_count=count)


def operator_export_response(
    *,
    school_year: SchoolYear,
    user,
    fmt: str = "csv",
    with_personal_data: bool = False,
    chunk_size: int = export_selectors.EXPORT_CHUNK_SIZE,
):
    """A streamed CSV (or an XLSX) of every student of `school_year` for the operator.

    The audit row is opened now and completed after the last row, so an export that broke
    off never counts as "exported" for the end-of-year anonymisation.
    """
    fmt = fmt if fmt in OperatorExport.Format.values else OperatorExport.Format.CSV
    export = services.operator_export_start(
        school_year=school_year, user=user, fmt=fmt, with_personal_data=with_personal_data
    )
    header = export_selectors.export_header(with_personal_data=with_personal_data)
    rows = _rows(export=export, user=user, chunk_size=chunk_size)
    suffix = "-met-persoonsgegevens" if with_personal_data else ""
    return export_response(
        fmt, f"leerlingen-{school_year.name}{suffix}", header, rows, title=school_year.name
    )
