"""The bulk import is a school's screen: its tests use the school fixtures."""

from tests.matching.school.conftest import (  # noqa: F401
    modes,
    now,
    other_school,
    school,
    school_client,
    school_user,
    year,
)
from tests.schoolimports.files import soffice  # noqa: E402, F401  (the LibreOffice fixture)
