"""The domain of stagematching: school years and rounds, services, schools, students and
the decisions services take on them, one module per topic. Import them from here."""

from .capacity import Capacity
from .organisations import (
    Located,
    LocationPrecision,
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
from .registration import REGISTRABLE_FIELDS, REGISTRABLE_RELATIONS, REGISTRABLE_SCALARS
from .reoffer import ReofferNotice
from .students import (
    DUAL_AFTER_INVITATION,
    PERSONAL_DATA_STATUSES,
    STATUSES_FOR_TRACK,
    AppendOnlyQuerySet,
    ContactPerson,
    Decision,
    PersonalDataAccess,
    Scope,
    Status,
    StatusChange,
    Student,
    Track,
)
from .timetable import Milestone, Round, SchoolYear, SchoolYearQuerySet

__all__ = [
    "Located",
    "ReofferNotice",
    "LocationPrecision",
    "REGISTRABLE_FIELDS",
    "REGISTRABLE_RELATIONS",
    "REGISTRABLE_SCALARS",
    "DUAL_AFTER_INVITATION",
    "PERSONAL_DATA_STATUSES",
    "STATUSES_FOR_TRACK",
    "AppendOnlyQuerySet",
    "Capacity",
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
