"""Wagtail registrations of the matching app, one module per audience."""

from wagtail.permissions import register_permission_policy

from .models import (
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
from .permissions import OperatorPermissionPolicy

# Before any viewset asks for a policy: operator screens answer to operators only, whatever
# model permissions another login may have been given by mistake.
for _model in (
    SchoolYear,
    Round,
    Milestone,
    Service,
    School,
    Student,
    Decision,
    StatusChange,
    PersonalDataAccess,
):
    register_permission_policy(_model, OperatorPermissionPolicy(_model))

from .admin import operator, school, service  # noqa: E402, F401
