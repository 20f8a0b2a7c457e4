"""Realistic demo data: a school year whose rounds sit around today, ~100 services, ~60
schools and CVOs, ~3,000 students of the three tracks, contact persons, decisions, logins.

Deterministic for a given --seed; running it again adds nothing (everything is keyed by a
stable code or demo key).
"""

import datetime as dt
import os
import random

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from accounts import second_factor
from accounts import services as accounts
from accounts.models import User
from core.roles import EDITORS_GROUP, OPERATORS_GROUP
from matching import services
from matching.errors import DomainError
from matching.models import (
    Capacity,
    ContactPerson,
    Decision,
    Province,
    Round,
    School,
    SchoolYear,
    Service,
    Status,
    Student,
    Track,
    TransportMode,
)
from matching.timetable import round_in_force, school_year_create_from_default

PASSWORD = "Stage-Demo-2026!"

FIRST_NAMES = (
    "Emma Olivia Louise Mila Elena Nora Marie Lina Julia Lotte Fien Hanne Noor Lore Jana "
    "Amber Yasmine Sara Ines Axelle Febe Zoë Anna Liv Ella Janne Lena Aya Sofia Nina "
    "Noah Arthur Louis Liam Lucas Adam Jules Mats Finn Vic Lars Wout Seppe Ruben Kobe "
    "Milan Senne Thibo Robbe Rayan Ilias Yusuf Bram Jasper Lander Stan Warre Tuur Niels Jonas"
).split()
LAST_NAMES = (
    "Peeters Janssens Maes Jacobs Mertens Willems Claes Goossens Wouters De_Smet Dubois "
    "Hermans Aerts Pauwels Vermeulen Van_Damme Dumont Michiels Desmet Martens Verstraete "
    "Lambrechts Stevens Van_de_Velde Coppens Smets Cools Leclercq Declercq De_Clercq "
    "Verhoeven Van_den_Broeck Segers Vandenberghe Baert Moens Thys Hendrickx Vermeiren "
    "Bogaert Van_Hoof De_Backer Wuyts Verbruggen Geerts Vos Bosmans Claeys Huysmans "
    "El_Amrani Benali Yilmaz Kaya Nowak Kowalski Diallo Mukendi Haddad Bakkali"
).split()
# (postcode, municipality) per province, Flanders and Brussels.
PLACES = {
    "ANT": [
        ("2000", "Antwerpen"),
        ("2100", "Deurne"),
        ("2300", "Turnhout"),
        ("2800", "Mechelen"),
        ("2500", "Lier"),
        ("2200", "Herentals"),
        ("2400", "Mol"),
        ("2900", "Schoten"),
        ("2600", "Berchem"),
        ("2640", "Mortsel"),
        ("2440", "Geel"),
        ("2930", "Brasschaat"),
    ],
    "LIM": [
        ("3500", "Hasselt"),
        ("3600", "Genk"),
        ("3700", "Tongeren"),
        ("3900", "Pelt"),
        ("3580", "Beringen"),
        ("3800", "Sint-Truiden"),
        ("3630", "Maasmechelen"),
        ("3550", "Heusden-Zolder"),
    ],
    "OVL": [
        ("9000", "Gent"),
        ("9300", "Aalst"),
        ("9100", "Sint-Niklaas"),
        ("9200", "Dendermonde"),
        ("9700", "Oudenaarde"),
        ("9400", "Ninove"),
        ("9900", "Eeklo"),
        ("2070", "Zwijndrecht"),
        ("9120", "Beveren-Kruibeke-Zwijndrecht"),
        ("9500", "Geraardsbergen"),
        ("9800", "Deinze"),
        ("9160", "Lokeren"),
    ],
    "VBR": [
        ("3000", "Leuven"),
        ("1500", "Halle"),
        ("1800", "Vilvoorde"),
        ("3300", "Tienen"),
        ("1700", "Dilbeek"),
        ("3200", "Aarschot"),
        ("1930", "Zaventem"),
        ("3190", "Boortmeerbeek"),
        ("1600", "Sint-Pieters-Leeuw"),
    ],
    "WVL": [
        ("8000", "Brugge"),
        ("8500", "Kortrijk"),
        ("8400", "Oostende"),
        ("8800", "Roeselare"),
        ("8900", "Ieper"),
        ("8700", "Tielt"),
        ("8600", "Diksmuide"),
        ("8300", "Knokke-Heist"),
        ("8200", "Sint-Andries"),
    ],
    "BRU": [
        ("1000", "Brussel"),
        ("1030", "Schaarbeek"),
        ("1080", "Sint-Jans-Molenbeek"),
        ("1070", "Anderlecht"),
        ("1090", "Jette"),
        ("1200", "Sint-Lambrechts-Woluwe"),
    ],
}
PROVINCE_WEIGHTS = {"ANT": 26, "OVL": 22, "WVL": 18, "VBR": 16, "LIM": 13, "BRU": 5}
SERVICE_KINDS = (
    "Familiehulp",
    "Thuiszorg",
    "Gezinszorg",
    "Zorgpunt",
    "Solidariteit voor het Gezin",
    "Landelijke Thuiszorg",
    "Thuishulp",
    "OCMW Gezinszorg",
    "i-mens Gezinszorg",
)
SCHOOL_KINDS = (
    "Sint-Jozefinstituut",
    "Sint-Vincentius",
    "Zorgcampus",
    "GO! Atheneum",
    "Technisch Instituut",
    "Heilig-Hartinstituut",
    "Onze-Lieve-Vrouwecollege",
    "Sint-Lutgardis",
    "Spectrumcollege",
    "Mariagaarde",
)
CVO_KINDS = (
    "CVO",
    "Centrum voor Volwassenenonderwijs",
    "CVO Agora",
    "CVO VIVO",
    "CVO De Oranjerie",
)
EDUCATIONS = {
    Track.SECONDARY: [
        "7de jaar Thuis- en bejaardenzorg",
        "Verzorging",
        "Zorgkundige (7de jaar)",
        "Organisatiehulp",
    ],
    Track.ADULT: ["Zorgkundige", "Verzorgende", "Polyvalent verzorgende", "Logistiek assistent"],
    Track.DUAL: ["Duaal Verzorgende-Zorgkundige", "Duaal Logistiek assistent in de zorg"],
}


def _name(raw: str) -> str:
    return raw.replace("_", " ")


def _nrn(rng: random.Random, birth: dt.date) -> str:
    serial = rng.randint(1, 997)
    base = f"{birth:%y%m%d}{serial:03d}"
    prefix = "2" if birth.year >= 2000 else ""
    return f"{base}{97 - int(prefix + base) % 97:02d}"


def _phone(rng: random.Random, mobile=True) -> str:
    if mobile:
        pairs = " ".join(str(rng.randint(10, 99)) for _ in range(3))
        return f"04{rng.randint(70, 99)} {pairs}"
    return (
        f"0{rng.randint(2, 9)} {rng.randint(200, 999)} {rng.randint(10, 99)} {rng.randint(10, 99)}"
    )


def _slug(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())


class Command(BaseCommand):
    help = "Laadt realistische demodata (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=42)
        parser.add_argument("--students", type=int, default=3000)
        parser.add_argument("--services", type=int, default=100)
        parser.add_argument("--schools", type=int, default=60)
        parser.add_argument("--quiet", action="store_true")

    def handle(self, *args, **options):
        self.rng = random.Random(options["seed"])
        self.now = timezone.now()
        self.password_hash = make_password(PASSWORD)
        with transaction.atomic():
            school_year = self._school_year()
            services_ = self._services(options["services"])
            schools = self._schools(options["schools"])
            logins = self._logins(services_, schools)
            created = self._students(school_year, schools, services_, options["students"])
            self._decisions(school_year, services_, logins)
            self._capacities(school_year, services_, logins)
            self._proposal(school_year, services_, logins)
        # The public site's pages and beat's schedules are part of the demo: a failure here
        # fails the demo loudly rather than leaving a half-filled site.
        for command in ("seed_cms", "setup_schedules"):
            call_command(command, verbosity=0)
        if not options["quiet"]:
            self._report(school_year, created)

    # School year ---------------------------------------------------------------------------

    def _school_year(self) -> SchoolYear:
        """The default timetable moved so that round 2 opened five days ago: round 3 opens in
        about nine days, the dual round runs, and round 1 (with its entry blackout) is over."""
        year = self.now.year if self.now.month >= 6 else self.now.year - 1
        name = f"{year}-{year + 1}"
        existing = SchoolYear.objects.filter(name=name).first()
        if existing:
            return existing
        school_year = school_year_create_from_default(year=year)
        round_2 = Round.objects.get(school_year=school_year, track=Track.SECONDARY, number=2)
        shift = (
            timezone.localdate(self.now)
            - dt.timedelta(days=5)
            - timezone.localdate(round_2.starts_at)
        )

        def moved(moment):
            # Move the local date, keep the local time (12:00) across daylight saving time.
            local = timezone.localtime(moment)
            return dt.datetime.combine(local.date() + shift, local.time(), tzinfo=local.tzinfo)

        for item in [*school_year.rounds.all(), *school_year.milestones.all()]:
            item.starts_at, item.ends_at = moved(item.starts_at), moved(item.ends_at)
            item.save(update_fields=["starts_at", "ends_at"])
        # The CVOs' timetable runs ahead in the demo: their round 3 opened two days ago, so
        # the operator's placement proposals (issue 19) have leftovers to work on.
        adult_3 = Round.objects.get(school_year=school_year, track=Track.ADULT, number=3)
        ahead = (
            timezone.localdate(self.now)
            - dt.timedelta(days=2)
            - timezone.localdate(adult_3.starts_at)
        )
        for item in Round.objects.filter(school_year=school_year, track=Track.ADULT):
            for field in ("starts_at", "ends_at"):
                local = timezone.localtime(getattr(item, field))
                value = dt.datetime.combine(local.date() + ahead, local.time(), tzinfo=local.tzinfo)
                setattr(item, field, value)
            item.save(update_fields=["starts_at", "ends_at"])
        school_year.entry_blackout_starts_at = moved(school_year.entry_blackout_starts_at)
        school_year.entry_blackout_ends_at = moved(school_year.entry_blackout_ends_at)
        if school_year.blackout_release_at:
            school_year.blackout_release_at = moved(school_year.blackout_release_at)
        school_year.starts_on = min(school_year.starts_on, school_year.starts_on + shift)
        school_year.ends_on = max(school_year.ends_on, school_year.ends_on + shift)
        school_year.save()
        return school_year

    # Organisations -------------------------------------------------------------------------

    def _weighted_province(self) -> str:
        codes = list(PROVINCE_WEIGHTS)
        return self.rng.choices(codes, weights=[PROVINCE_WEIGHTS[c] for c in codes])[0]

    def _services(self, count: int) -> list[Service]:
        provinces = {p.code: p for p in Province.objects.all()}
        result = []
        for i in range(1, count + 1):
            code = f"DGZ{i:03d}"
            province = self._weighted_province()
            postcode, municipality = self.rng.choice(PLACES[province])
            kind = SERVICE_KINDS[i % len(SERVICE_KINDS)]
            service, _ = Service.objects.get_or_create(
                code=code,
                defaults={
                    "name": f"{kind} {municipality}"
                    + (f" {i}" if i > len(PLACES[province]) * 2 else ""),
                    "province": provinces[province],
                    "postcode": postcode,
                    "municipality": municipality,
                    "email": f"stages.{code.lower()}@demo-gezinszorg.be",
                    "phone": _phone(self.rng, mobile=False),
                },
            )
            if service.latitude is None:
                service.locate()  # the rule of the operator's form (Service.clean)
                service.save(update_fields=["latitude", "longitude", "location_precision"])
            result.append(service)
            for j in range(2):
                first, last = self.rng.choice(FIRST_NAMES), _name(self.rng.choice(LAST_NAMES))
                ContactPerson.objects.get_or_create(
                    service=service,
                    email=f"{_slug(first)}.{_slug(last)}.{j}@{code.lower()}.demo-gezinszorg.be",
                    defaults={"name": f"{first} {last}", "phone": _phone(self.rng)},
                )
        return result

    def _schools(self, count: int) -> list[School]:
        provinces = {p.code: p for p in Province.objects.all()}
        result = []
        for i in range(1, count + 1):
            code = f"SCH{i:03d}"
            province = self._weighted_province()
            postcode, municipality = self.rng.choice(PLACES[province])
            cvo = i % 4 == 0
            kind = School.Kind.CVO if cvo else School.Kind.SECONDARY
            prefix = (CVO_KINDS if cvo else SCHOOL_KINDS)[
                i % (len(CVO_KINDS) if cvo else len(SCHOOL_KINDS))
            ]
            school, _ = School.objects.get_or_create(
                code=code,
                defaults={
                    "name": f"{prefix} {municipality}",
                    "kind": kind,
                    "province": provinces[province],
                    "postcode": postcode,
                    "municipality": municipality,
                    "email": f"secretariaat.{code.lower()}@demo-school.be",
                    "phone": _phone(self.rng, mobile=False),
                },
            )
            result.append(school)
        return result

    # Logins -------------------------------------------------------------------------------

    def _user(self, email: str, first: str, last: str, **extra) -> User:
        user = User.objects.filter(email=email).first()
        if user is None:
            # One hash for every demo login: hashing is slow on purpose, 160 times is minutes.
            user = User(email=email, first_name=first, last_name=last, **extra)
            user.password = self.password_hash
            user.save()
        return user

    def _logins(self, services_: list[Service], schools: list[School]) -> dict:
        operator = self._user("beheerder@demo.stagematching.be", "Tine", "Beheerder", is_staff=True)
        operator.groups.add(Group.objects.get_or_create(name=OPERATORS_GROUP)[0])
        editor = self._user("redacteur@demo.stagematching.be", "Lesley", "Redacteur")
        editor.groups.add(Group.objects.get_or_create(name=EDITORS_GROUP)[0])
        admin = User.objects.filter(email="admin@demo.stagematching.be").first()
        if admin is None:
            admin = User.objects.create_superuser(
                email="admin@demo.stagematching.be", password=PASSWORD
            )
        service_users, service_logins = {}, []
        for index, service in enumerate(services_):
            for n in range(1 if index >= 3 else 3):
                email = (
                    f"dienst{index + 1:03d}{'' if n == 0 else f'-{n + 1}'}@demo.stagematching.be"
                )
                user = self._user(
                    email, self.rng.choice(FIRST_NAMES), _name(self.rng.choice(LAST_NAMES))
                )
                accounts.membership_grant(user, service=service)
                service_users.setdefault(service.pk, user)
                service_logins.append(user)
        school_users = {}
        for index, school in enumerate(schools):
            email = f"school{index + 1:03d}@demo.stagematching.be"
            user = self._user(
                email, self.rng.choice(FIRST_NAMES), _name(self.rng.choice(LAST_NAMES))
            )
            accounts.membership_grant(user, school=school)
            school_users[school.pk] = user
        coordinator = self._user("trekker.antwerpen@demo.stagematching.be", "An", "Trekker")
        accounts.membership_grant(coordinator, provinces=[Province.objects.get(code="ANT")])
        # The demo is not exempt from the second factor: every login that needs one gets
        # an authenticator app with a fixed secret (printed below; `manage.py totp_code`).
        for user in (operator, editor, admin, *service_logins, *school_users.values()):
            self._second_factor(user)
        return {
            "operator": operator,
            "editor": editor,
            "services": service_users,
            "schools": school_users,
        }

    def _second_factor(self, user) -> None:
        if second_factor.second_factor_required(user):
            second_factor.demo_device_install(user, second_factor.demo_secret(user.email))

    # Students -----------------------------------------------------------------------------

    def _students(self, school_year, schools, services_, count: int) -> int:
        existing = set(
            Student.objects.filter(
                school_year=school_year, import_key__startswith="demo-"
            ).values_list("import_key", flat=True)
        )
        provinces = {p.code: p for p in Province.objects.all()}
        modes = list(TransportMode.objects.all())
        by_province: dict[str, list[Service]] = {}
        for service in services_:
            by_province.setdefault(service.province.code, []).append(service)
        secondary = [s for s in schools if s.kind == School.Kind.SECONDARY]
        cvos = [s for s in schools if s.kind == School.Kind.CVO]
        round_1 = school_year.rounds.get(track=Track.SECONDARY, number=1)
        created = 0
        pending: list[tuple[Student, list, list]] = []
        used_nrns = set(
            Student.objects.filter(school_year=school_year).values_list(
                "national_register_number", flat=True
            )
        )
        for i in range(1, count + 1):
            rng = random.Random(f"{self.rng.random()}")  # consumed in order: deterministic
            key = f"demo-{i:05d}"
            if key in existing:
                continue
            track = rng.choices([Track.SECONDARY, Track.ADULT, Track.DUAL], weights=[60, 25, 15])[0]
            school = rng.choice(cvos if track == Track.ADULT else secondary)
            province = school.province.code if rng.random() < 0.8 else self._weighted_province()
            postcode, municipality = rng.choice(PLACES[province])
            age = rng.randint(17, 19) if track != Track.ADULT else rng.randint(20, 55)
            birth = dt.date(self.now.year - age, rng.randint(1, 12), rng.randint(1, 28))
            nrn = _nrn(rng, birth)
            while nrn in used_nrns:
                nrn = _nrn(rng, birth)
            used_nrns.add(nrn)
            first, last = rng.choice(FIRST_NAMES), _name(rng.choice(LAST_NAMES))
            registered = round_1.starts_at - dt.timedelta(days=rng.randint(1, 90))
            if rng.random() < 0.15:
                # Some were entered during round 1: the entry blackout holds them back.
                registered = round_1.starts_at + dt.timedelta(days=rng.randint(1, 40))
            elif rng.random() < 0.2:
                registered = self.now - dt.timedelta(
                    days=rng.randint(0, 6), hours=rng.randint(0, 12)
                )
            start = (round_1.starts_at + dt.timedelta(days=rng.randint(80, 140))).date()
            student = Student(
                school_year=school_year,
                school=school,
                track=track,
                first_name=first,
                last_name=last,
                national_register_number=nrn,
                email=f"{_slug(first)}.{_slug(last)}{i}@leerling.demo.be",
                phone=_phone(rng),
                postcode=postcode,
                municipality=municipality,
                province=provinces[province],
                education=rng.choice(EDUCATIONS[track]),
                supervisor_name=f"{rng.choice(FIRST_NAMES)} {_name(rng.choice(LAST_NAMES))}",
                supervisor_email=f"stagebegeleiding@{school.code.lower()}.demo-school.be",
                supervisor_phone=_phone(rng, mobile=False),
                requested_start=start,
                requested_end=start + dt.timedelta(weeks=rng.choice([4, 6, 8, 10])),
                hours=rng.choice([80, 120, 160, 240]),
                remarks=rng.choice(
                    [
                        "",
                        "",
                        "",
                        "Heeft geen rijbewijs.",
                        "Voorkeur voor voormiddagen.",
                        "Spreekt ook Frans.",
                        "Combineert met een vakantiejob.",
                    ]
                ),
                registered_at=registered,
                import_key=key,
            )
            student.locate()  # as Student.clean does for the form and the import
            nearby = by_province.get(province) or services_
            preferred = rng.sample(nearby, min(len(nearby), rng.randint(0, 3)))
            if rng.random() < 0.1 and (extra := rng.choice(services_)) not in preferred:
                preferred.append(extra)
            pending.append((student, rng.sample(modes, rng.randint(1, 3)), preferred))
            created += 1
        Student.objects.bulk_create([p[0] for p in pending], batch_size=500)
        modes_through = Student.transport_modes.through
        preferred_through = Student.preferred_services.through
        modes_through.objects.bulk_create(
            [
                modes_through(student_id=st.pk, transportmode_id=m.pk)
                for st, ms, _ in pending
                for m in ms
            ],
            batch_size=2000,
        )
        preferred_through.objects.bulk_create(
            [
                preferred_through(student_id=st.pk, service_id=sv.pk)
                for st, _, ps in pending
                for sv in ps
            ],
            batch_size=2000,
        )
        return created

    def _decisions(self, school_year, services_, logins) -> None:
        """Some decisions through the real service, so history and rules hold."""
        if Decision.objects.filter(student__school_year=school_year).exists():
            return
        rng = random.Random(7)
        for service in services_[:60]:
            user = logins["services"].get(service.pk)
            mentors = list(service.contact_persons.all())
            for track in Track.values:
                if round_in_force(track=track, now=self.now) is None:
                    continue
                from matching.selectors import students_visible_to

                visible = list(
                    students_visible_to(service=service, track=track, now=self.now)
                    .order_by("pk")
                    .values_list("pk", flat=True)[:40]
                )
                for pk in rng.sample(visible, min(len(visible), rng.randint(2, 8))):
                    choice = rng.random()
                    try:
                        if track == Track.DUAL:
                            services.decision_set_status(
                                service=service, student_id=pk, status=Status.INVITED, user=user
                            )
                            if choice < 0.4:
                                services.decision_set_status(
                                    service=service,
                                    student_id=pk,
                                    status=Status.ACCEPTED,
                                    user=user,
                                    note="Gesprek verliep goed.",
                                )
                            elif choice < 0.6:
                                services.decision_set_status(
                                    service=service,
                                    student_id=pk,
                                    status=Status.NOT_ACCEPTED,
                                    user=user,
                                )
                        elif choice < 0.45:
                            start = self.now.date() + dt.timedelta(days=rng.randint(7, 40))
                            services.decision_set_status(
                                service=service,
                                student_id=pk,
                                status=Status.ACCEPTED,
                                user=user,
                                mentor=rng.choice(mentors),
                                period_start=start,
                                period_end=start + dt.timedelta(weeks=6),
                            )
                        else:
                            services.decision_set_status(
                                service=service,
                                student_id=pk,
                                status=Status.NOT_ACCEPTED,
                                user=user,
                            )
                    except DomainError:
                        continue

    # Capacity ------------------------------------------------------------------------------

    def _capacities(self, school_year, services_, logins) -> None:
        """Places per track through the real service: most services with room, every third
        one full, one over capacity (an acceptance it confirmed beyond its places, flagged
        by decision_set_status), and the last services stating none."""
        from matching import capacity

        if Capacity.objects.filter(school_year=school_year).exists():
            return
        rng = random.Random(11)
        stating = services_[: max(len(services_) - max(len(services_) // 5, 1), 1)]
        for index, service in enumerate(stating):
            user = logins["services"].get(service.pk)
            places = capacity.service_places(service=service, school_year=school_year)
            for track in Track.values:
                filled = places[track].filled
                room = 0 if index % 3 == 2 else rng.randint(1, 6)
                if index == 1 and track == Track.SECONDARY:
                    room = 0  # full, then one more acceptance below: over capacity
                capacity.capacity_set(
                    service=service,
                    school_year=school_year,
                    track=track,
                    places=filled + room,
                    user=user,
                )
        if len(stating) > 1:
            self._accept_beyond_capacity(stating[1], logins)

    def _accept_beyond_capacity(self, service, logins) -> None:
        from matching.selectors import students_visible_to

        if round_in_force(track=Track.SECONDARY, now=self.now) is None:
            return
        mentors = list(service.contact_persons.all())
        start = self.now.date() + dt.timedelta(days=14)
        for pk in (
            students_visible_to(service=service, track=Track.SECONDARY, now=self.now)
            .order_by("pk")
            .values_list("pk", flat=True)[:20]
        ):
            try:
                services.decision_set_status(
                    service=service,
                    student_id=pk,
                    status=Status.ACCEPTED,
                    user=logins["services"].get(service.pk),
                    mentor=mentors[0] if mentors else None,
                    period_start=start,
                    period_end=start + dt.timedelta(weeks=6),
                )
            except DomainError:
                continue
            return

    def _proposal(self, school_year, services_, logins) -> None:
        """One sent placement proposal for the CVOs' leftovers (their round 3 runs), made
        and sent through the operator's own services, on the places _capacities stated."""
        from proposals.models import ProposalRun
        from proposals.services import proposal_run_create, proposal_run_send

        if ProposalRun.objects.filter(school_year=school_year).exists():
            return
        try:
            run = proposal_run_create(track=Track.ADULT, user=logins["operator"], now=self.now)
        except DomainError:
            return
        deadline = timezone.localtime(self.now + dt.timedelta(days=3)).replace(
            hour=12, minute=0, second=0, microsecond=0
        )
        if run.lines.exists():
            proposal_run_send(run=run, deadline=deadline, user=logins["operator"], now=self.now)

    # Report -------------------------------------------------------------------------------

    def _proposal_report(self, school_year) -> list[str]:
        from matching.memberships import service_logins
        from proposals.models import ProposalRun

        run = ProposalRun.objects.filter(school_year=school_year, status="sent").first()
        if run is None:
            return []
        services_ = sorted(set(run.lines.values_list("service_id", flat=True)))
        login = next(iter(service_logins(service_ids=services_[:1])), None)
        deadline = timezone.localtime(run.deadline)
        return [
            f"Plaatsingsvoorstel {run.number} ({run.get_track_display()}): "
            f"{run.lines.count()} leerlingen bij {len(services_)} diensten, verstuurd; "
            f"antwoorden tot {deadline:%d/%m/%Y %H:%M}"
            + (f" (bv. {login.user.email})." if login else "."),
        ]

    def _report(self, school_year, created: int) -> None:
        rounds = school_year.rounds.order_by("track", "starts_at")
        total = Student.objects.filter(school_year=school_year).count()
        lines = [
            "",
            f"Schooljaar {school_year.name}: {total} leerlingen ({created} nieuw), "
            f"{Service.objects.count()} diensten, {School.objects.count()} scholen.",
            "Rondes:",
        ]
        for round_ in rounds:
            lines.append(
                f"  {round_.get_track_display():<28} ronde {round_.number}: "
                f"{timezone.localtime(round_.starts_at):%d/%m/%Y %H:%M} → "
                f"{timezone.localtime(round_.ends_at):%d/%m/%Y %H:%M} "
                f"({round_.get_scope_display()})"
            )
        lines += self._proposal_report(school_year)
        lines += [
            "",
            f"Aanmelden op http://127.0.0.1:{os.environ.get('PORT', '8000')}/admin/",
            f"Wachtwoord voor alle demo-logins: {PASSWORD}",
            "  beheerder:        beheerder@demo.stagematching.be",
            "  superuser:        admin@demo.stagematching.be",
            "  redacteur:        redacteur@demo.stagematching.be",
            "  dienst:           dienst001@demo.stagematching.be",
            "                    (ook dienst001-2, dienst001-3, dienst002 … dienst100)",
            "  school:           school001@demo.stagematching.be  (… school060)",
            "  regionale trekker: trekker.antwerpen@demo.stagematching.be",
            "",
            "Tweestapsverificatie: na het wachtwoord vraagt Stagematching een code van zes",
            "cijfers (niet voor de regionale trekker). Toon de huidige code van een login met",
            "  .venv/bin/python manage.py totp_code beheerder@demo.stagematching.be",
            "of zet de vaste demo-sleutel in een authenticator-app (type: op tijd gebaseerd):",
        ]
        for email in (
            "beheerder@demo.stagematching.be",
            "admin@demo.stagematching.be",
            "redacteur@demo.stagematching.be",
            "dienst001@demo.stagematching.be",
            "school001@demo.stagematching.be",
        ):
            lines.append(f"  {email:<34} {second_factor.demo_secret(email)}")
        lines.append("")
        self.stdout.write("\n".join(lines))
