"""Pure filters over students. No clock, no user: callers pass what they decided."""

from django.db import models
from django.db.models import Exists, OuterRef, Q

from . import postcodes


class StudentQuerySet(models.QuerySet):
    def placed_q(self):
        from .models import Decision, Status

        return Exists(
            Decision.objects.filter(student=OuterRef("pk"), status=Status.ACCEPTED).only("pk")
        )

    def unplaced(self):
        return self.filter(~self.placed_q())

    def placed(self):
        return self.filter(self.placed_q())

    def accepted_by(self, service):
        from .models import Decision, Status

        return self.filter(
            Exists(
                Decision.objects.filter(
                    student=OuterRef("pk"), service_id=service.pk, status=Status.ACCEPTED
                )
            )
        )

    def active(self):
        return self.filter(anonymised_at__isnull=True)

    # Filters of the students screens ------------------------------------------------------

    def search_name(self, text: str):
        text = (text or "").strip()
        if not text:
            return self
        query = Q()
        for word in text.split():
            query &= Q(first_name__icontains=word) | Q(last_name__icontains=word)
        return self.filter(query)

    def in_provinces(self, province_ids):
        """Students living in one of these provinces (ids: filtered on the ids, PostgreSQL
        estimates the rows well and walks the list's sort index; joined on the province
        code it sorted every visible row — page 50 of 50k students, 80 ms -> 11 ms)."""
        province_ids = [p for p in province_ids or [] if p]
        return self.filter(province_id__in=province_ids) if province_ids else self

    def at_school(self, school):
        return self.filter(school=school) if school else self

    def with_postcode(self, postcode: str):
        """A full postcode (4 digits) or a region (its first two digits)."""
        postcode = (postcode or "").strip()
        if not postcode:
            return self
        if len(postcode) == 4:
            return self.filter(postcode=postcode)
        return self.filter(postcode__startswith=postcode[:2])

    def with_transport_modes(self, codes):
        """Students who can come by one of these transport modes (codes, e.g. "fiets")."""
        codes = [c for c in codes or [] if c]
        if not codes:
            return self
        through = self.model.transport_modes.through
        return self.filter(
            Exists(through.objects.filter(student_id=OuterRef("pk"), transportmode__code__in=codes))
        )


def is_postcode_filter(value: str) -> bool:
    value = (value or "").strip()
    return value.isdigit() and len(value) in (2, 4)


__all__ = ["StudentQuerySet", "is_postcode_filter", "postcodes"]
