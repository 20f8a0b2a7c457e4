"""The domain of stagematching: school years and rounds, services, schools, students and
the decisions services take on them, one module per topic. Import them from here."""

from .choices import (
    DUAL_AFTER_INVITATION,
    PERSONAL_DATA_STATUSES,
    STATUSES_FOR_TRACK,
    Scope,
    Status,
    Track,
)
from .organisations import (
    Province,
    ProvinceGroupObjectPermission,
    ProvinceUserObjectPermission,
    School,
    SchoolGroupObjectPermission,
    SchoolUserObjectPermission,
    Service,
    ServiceGroupObjectPermission,
    ServiceUserObjectPermission,
    TransportMode,
)
from .students import (
    REGISTRABLE_FIELDS,
    REGISTRABLE_RELATIONS,
    REGISTRABLE_SCALARS,
    AppendOnlyQuerySet,
    ContactPerson,
    Decision,
    PersonalDataAccess,
    StatusChange,
    Student,
)
from .timetable import Milestone, Round, SchoolYear, SchoolYearQuerySet

__all__ = [
    "REGISTRABLE_FIELDS",
    "REGISTRABLE_RELATIONS",
    "REGISTRABLE_SCALARS",
    "DUAL_AFTER_INVITATION",
    "PERSONAL_DATA_STATUSES",
    "STATUSES_FOR_TRACK",
    "AppendOnlyQuerySet",
    "ContactPerson",
    "Decision",
    "Milestone",
    "PersonalDataAccess",
    "Province",
    "ProvinceGroupObjectPermission",
    "ProvinceUserObjectPermission",
    "Round",
    "School",
    "SchoolGroupObjectPermission",
    "SchoolUserObjectPermission",
    "SchoolYear",
    "SchoolYearQuerySet",
    "Scope",
    "Service",
    "ServiceGroupObjectPermission",
    "ServiceUserObjectPermission",
    "Status",
    "StatusChange",
    "Student",
    "TransportMode",
    "Track",
]
