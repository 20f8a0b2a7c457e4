from django.utils.translation import gettext as _

PROBE = _("Nieuwe zin zonder vertaling")
