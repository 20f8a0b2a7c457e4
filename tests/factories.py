"""factory_boy factories for the domain; deterministic and valid by default."""

import datetime as dt

import factory
from django.utils import timezone
from stdnum.be import nn

from accounts.models import User
from matching import postcodes
from matching.models import (
    ContactPerson,
    Decision,
    Province,
    Round,
    School,
    SchoolYear,
    Scope,
    Service,
    Status,
    Student,
    Track,
)


def make_nrn(index: int, birth: dt.date = dt.date(2008, 5, 17)) -> str:
    """A valid national register number for the given birth date and serial index."""
    serial = 1 + (index % 997)
    base = f"{birth:%y%m%d}{serial:03d}"
    prefix = "2" if birth.year >= 2000 else ""
    check = 97 - int(prefix + base) % 97
    number = f"{base}{check:02d}"
    nn.validate(number)
    return number


def province(code="ANT"):
    return Province.objects.get(code=code)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.be")
    first_name = factory.Faker("first_name", locale="nl_BE")
    last_name = factory.Faker("last_name", locale="nl_BE")
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery")

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class SchoolYearFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SchoolYear
        django_get_or_create = ("name",)

    name = "2025-2026"
    starts_on = dt.date(2025, 6, 1)
    ends_on = dt.date(2026, 5, 31)


class RoundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Round

    school_year = factory.SubFactory(SchoolYearFactory)
    track = Track.SECONDARY
    number = 1
    scope = Scope.ALL
    starts_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=1))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + dt.timedelta(days=14))


class LocatedFactory(factory.django.DjangoModelFactory):
    """Derives the point from the postcode as Located.locate does, unless one is given."""

    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        if "latitude" not in kwargs and kwargs.get("postcode"):
            location = postcodes.location_for(kwargs["postcode"], kwargs.get("municipality", ""))
            if location is not None:
                kwargs["latitude"], kwargs["longitude"] = location.latitude, location.longitude
                kwargs["location_precision"] = location.precision
        return super()._create(model_class, *args, **kwargs)


class ServiceFactory(LocatedFactory):
    class Meta:
        model = Service

    name = factory.Sequence(lambda n: f"Dienst Gezinszorg {n}")
    code = factory.Sequence(lambda n: f"DGZ{n:04d}")
    province = factory.LazyFunction(lambda: province("ANT"))
    postcode = "2000"
    municipality = "Antwerpen"
    email = factory.Sequence(lambda n: f"dienst{n}@example.be")


class SchoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = School

    name = factory.Sequence(lambda n: f"Zorgschool {n}")
    code = factory.Sequence(lambda n: f"SCH{n:04d}")
    kind = School.Kind.SECONDARY
    province = factory.LazyFunction(lambda: province("ANT"))
    postcode = "2000"
    municipality = "Antwerpen"


class ContactPersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContactPerson

    service = factory.SubFactory(ServiceFactory)
    name = factory.Faker("name", locale="nl_BE")
    phone = "03 123 45 67"
    email = factory.Sequence(lambda n: f"mentor{n}@example.be")


class StudentFactory(LocatedFactory):
    class Meta:
        model = Student
        skip_postgeneration_save = True

    school_year = factory.SubFactory(SchoolYearFactory)
    school = factory.SubFactory(SchoolFactory)
    track = Track.SECONDARY
    first_name = factory.Faker("first_name", locale="nl_BE")
    last_name = factory.Faker("last_name", locale="nl_BE")
    national_register_number = factory.Sequence(make_nrn)
    email = factory.Sequence(lambda n: f"leerling{n}@example.be")
    phone = "0470 12 34 56"
    postcode = "2000"
    municipality = "Antwerpen"
    province = factory.LazyFunction(lambda: province("ANT"))
    supervisor_name = "Els Peeters"
    supervisor_email = factory.Sequence(lambda n: f"begeleider{n}@school.be")
    supervisor_phone = "03 987 65 43"
    registered_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=30))

    @factory.post_generation
    def preferred_services(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.preferred_services.set(extracted)


class DecisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Decision

    service = factory.SubFactory(ServiceFactory)
    student = factory.SubFactory(StudentFactory)
    status = Status.UNDECIDED
