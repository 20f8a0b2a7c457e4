"""What a school registers for a student."""

# What a school registers for a student, in the order its form shows it: the one
# declaration behind the school's form (matching.school.forms), the registration service
# (matching.school.services) and the import columns (schoolimports.parsing).
REGISTRABLE_FIELDS = (
    "track",
    "first_name",
    "last_name",
    "national_register_number",
    "email",
    "phone",
    "postcode",
    "municipality",
    "education",
    "supervisor_name",
    "supervisor_email",
    "supervisor_phone",
    "transport_modes",
    "preferred_services",
    "requested_start",
    "requested_end",
    "hours",
    "remarks",
)
# The registrable fields that are relations (set after the student row is saved).
REGISTRABLE_RELATIONS = ("transport_modes", "preferred_services")
REGISTRABLE_SCALARS = tuple(f for f in REGISTRABLE_FIELDS if f not in REGISTRABLE_RELATIONS)
