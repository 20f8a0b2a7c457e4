"""Wagtail registrations of the matching app, one module per audience."""

from wagtail.permissions import register_permission_policy

from core.permissions import NO_DELETE, OperatorPermissionPolicy, ReadOnlyPermissionPolicy

from .models import (
    Capacity,
    Decision,
    Milestone,
    PersonalDataAccess,
    Round,
    School,
    SchoolYear,
    Service,
    StatusChange,
    Student,
)

# Before any viewset asks for a policy: operator screens answer to operators only, whatever
# model permissions another login may have been given by mistake.
for _model in (SchoolYear, Round, Milestone, School):
    register_permission_policy(_model, OperatorPermissionPolicy(_model))
# A service with history is deactivated, never deleted (its history rows PROTECT it too).
register_permission_policy(Service, OperatorPermissionPolicy(Service, actions=NO_DELETE))
# A capacity is corrected (down to 0 places), never deleted: who changed it stays visible.
register_permission_policy(Capacity, OperatorPermissionPolicy(Capacity, actions=NO_DELETE))
# Students, decisions and the two histories are read-only in the operator's screens.
for _model in (Student, Decision, StatusChange, PersonalDataAccess):
    register_permission_policy(_model, ReadOnlyPermissionPolicy(_model))

from .operator import duplicates as duplicates_hooks  # noqa: E402, F401
from .operator import wagtail_hooks as operator_hooks  # noqa: E402, F401
from .school import wagtail_hooks as school_hooks  # noqa: E402, F401
from .service import dashboard as service_dashboard  # noqa: E402, F401
from .service import wagtail_hooks as service_hooks  # noqa: E402, F401
