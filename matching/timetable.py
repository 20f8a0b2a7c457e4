"""The school year's timetable: which round is in force, and creating the default one."""

from .models import Round, SchoolYear


def round_in_force(*, track: str, now, school_year: SchoolYear | None = None) -> Round | None:
    """The latest round of the current school year for `track` with starts_at <= now.

    Before the first round there is none (nothing is visible). After the last round's end,
    that round stays in force until the operator closes the school year.
    """
    school_year = school_year or SchoolYear.objects.current(now)
    if school_year is None:
        return None
    return (
        Round.objects.filter(school_year=school_year, track=track, starts_at__lte=now)
        .order_by("-starts_at")
        .first()
    )
