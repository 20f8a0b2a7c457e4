"""Bulk data generator for the benchmark: plain SQL with generate_series, no ORM per row.

Deterministic: every pseudo-random choice is arithmetic on the row number, so two runs at
the same size produce the same rows (and the same plans). The school year and its rounds
are placed relative to now so that round 3 (scope `all`) is in force for secondary and
adult, and the dual round (scope `all`) too.
"""

import datetime as dt
import time
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

SIZES = {
    "realistic": 5_000,
    "50k": 50_000,
    "100k": 100_000,  # issue 8: the operator export's memory at 100,000 students
    "500k": 500_000,
}
SERVICES = 100
LOGINS_PER_SERVICE = 3
SCHOOLS = 100
CVO_SCHOOLS = 20
DECISIONS_PER_STUDENT = 10
# Students without any decision, reserved for the accept measurements (cleaned after use).
RACE_POOL = 200
RACE_KEY = "bench-race"
SCHOOL_YEAR_NAME = "bench"
OPERATOR_EMAIL = "operator@bench.example"

FIRST_NAMES = [
    "Lotte", "Emma", "Noor", "Julie", "Lina", "Marie", "Fien", "Sara", "Ella", "Nina",
    "Lore", "Hanne", "Yasmine", "Amber", "Elise", "Jana", "Lien", "Febe", "Axelle", "Zoë",
    "Lucas", "Noah", "Arthur", "Louis", "Jules", "Mohamed", "Adam", "Victor", "Finn", "Mats",
    "Seppe", "Wout", "Robbe", "Kobe", "Jonas", "Milan", "Bram", "Ayoub", "Thibo", "Senne",
]  # fmt: skip
LAST_NAMES = [
    "Peeters", "Janssens", "Maes", "Jacobs", "Mertens", "Willems", "Claes", "Goossens",
    "Wouters", "De Smet", "Dubois", "Lambert", "Dupont", "Martens", "Vermeulen", "Pauwels",
    "Hermans", "Aerts", "Van Damme", "De Backer", "Michiels", "Desmet", "Verstraete",
    "Declercq", "Smets", "Coppens", "Stevens", "Bogaert", "Van den Broeck", "El Amrani",
    "Vandenberghe", "Cools", "Segers", "De Clercq", "Lemmens", "Verhoeven", "Thys",
    "Leclercq", "Renard", "Van Hoof",
]  # fmt: skip
# Weighted province mix (a Flemish tool: most schools in Flanders), with postcode prefixes.
PROVINCE_MIX = [
    ("ANT", "20"), ("ANT", "21"), ("ANT", "22"), ("ANT", "24"), ("ANT", "28"),
    ("OVL", "90"), ("OVL", "91"), ("OVL", "92"), ("OVL", "97"),
    ("VBR", "15"), ("VBR", "18"), ("VBR", "30"),
    ("WVL", "80"), ("WVL", "84"), ("WVL", "88"),
    ("LIM", "35"), ("LIM", "36"),
    ("BRU", "10"), ("HAI", "70"), ("LIE", "40"),
]  # fmt: skip
FLEMISH = ["ANT", "OVL", "VBR", "WVL", "LIM"]


@dataclass
class Dataset:
    size: str
    students: int
    decisions: int
    status_changes: int
    services: int
    logins: int
    schools: int
    seconds: float
    generated: bool


def _q(sql, params=None):
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])
        if cursor.description:
            return cursor.fetchall()
        return None


def counts() -> dict:
    tables = {
        "students": "matching_student",
        "decisions": "matching_decision",
        "status_changes": "matching_statuschange",
        "services": "matching_service",
        "schools": "matching_school",
    }
    out = {k: _q(f"SELECT count(*) FROM {t}")[0][0] for k, t in tables.items()}
    out["logins"] = _q(
        "SELECT count(*) FROM matching_serviceuserobjectpermission p"
        " JOIN accounts_user u ON u.id = p.user_id WHERE u.email LIKE '%%@bench.example'"
    )[0][0]
    return out


def ensure(size: str, *, regenerate: bool = False) -> Dataset:
    """The dataset of `size`, generated unless the database already holds exactly it."""
    wanted = SIZES[size] + RACE_POOL
    found = counts()
    marker = _q("SELECT name FROM matching_schoolyear WHERE name = %s", [SCHOOL_YEAR_NAME])
    if not regenerate and marker and found["students"] == wanted:
        _place_rounds()  # keep scope `all` in force relative to today
        return Dataset(size=size, seconds=0.0, generated=False, **found)
    started = time.perf_counter()
    generate(SIZES[size])
    return Dataset(size=size, seconds=time.perf_counter() - started, generated=True, **counts())


def _truncate():
    tables = [
        "matching_personaldataaccess",
        "matching_statuschange",
        "matching_decision",
        "matching_student_preferred_services",
        "matching_student_transport_modes",
        "matching_student",
        "matching_contactperson",
        "matching_serviceuserobjectpermission",
        "matching_schooluserobjectpermission",
        "matching_service",
        "matching_school",
        "matching_round",
        "matching_milestone",
        "matching_schoolyear",
    ]
    optional = ["notifications_outbox", "notifications_roundmailing"]
    existing = {row[0] for row in _q("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")}
    tables += [t for t in optional if t in existing]
    _q(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
    _delete_users("%@bench.example")


def _delete_users(pattern: str) -> None:
    """Delete the bench's logins and whatever refers to them (sessions, groups, profiles):
    rows pointing at them with a NOT NULL column go, nullable references become NULL."""
    users = "SELECT id FROM accounts_user WHERE email LIKE %s"
    refs = _q(
        """
        SELECT c.conrelid::regclass::text, a.attname, a.attnotnull
        FROM pg_constraint c
        JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
        WHERE c.contype = 'f' AND c.confrelid = 'accounts_user'::regclass
        """
    )
    for table, column, not_null in refs:
        if not_null:
            _q(f'DELETE FROM {table} WHERE "{column}" IN ({users})', [pattern])
        else:
            _q(f'UPDATE {table} SET "{column}" = NULL WHERE "{column}" IN ({users})', [pattern])
    _q("DELETE FROM accounts_user WHERE email LIKE %s", [pattern])


def _place_rounds():
    """School year and rounds around now: round 3 (`all`) and the dual round in force."""
    now = timezone.now()
    today = timezone.localdate(now)
    year_id = _q(
        """
        INSERT INTO matching_schoolyear (name, starts_on, ends_on)
        VALUES (%s, %s, %s)
        ON CONFLICT (name) DO UPDATE SET starts_on = EXCLUDED.starts_on,
            ends_on = EXCLUDED.ends_on, closed_at = NULL
        RETURNING id
        """,
        [SCHOOL_YEAR_NAME, today - dt.timedelta(days=200), today + dt.timedelta(days=165)],
    )[0][0]
    # Other open school years would compete for "current": close them in the bench DB.
    _q(
        "UPDATE matching_schoolyear SET closed_at = %s WHERE id <> %s AND closed_at IS NULL",
        [now, year_id],
    )
    days = dt.timedelta(days=1)
    plan = [
        ("secondary", 1, "preferred_in_province", now - 150 * days, now - 110 * days),
        ("secondary", 2, "preferred", now - 90 * days, now - 75 * days),
        ("secondary", 3, "all", now - 70 * days, now - 60 * days),
        ("adult", 1, "preferred_in_province", now - 150 * days, now - 110 * days),
        ("adult", 2, "preferred", now - 90 * days, now - 75 * days),
        ("adult", 3, "all", now - 70 * days, now - 60 * days),
        ("dual", 1, "all", now - 160 * days, now + 30 * days),
    ]
    _q("DELETE FROM matching_round WHERE school_year_id = %s", [year_id])
    for track, number, scope, starts, ends in plan:
        _q(
            "INSERT INTO matching_round (school_year_id, track, number, name, scope,"
            " starts_at, ends_at) VALUES (%s, %s, %s, '', %s, %s, %s)",
            [year_id, track, number, scope, starts, ends],
        )
    return year_id


@transaction.atomic
def generate(n: int) -> None:
    _q("SET LOCAL synchronous_commit = off")
    _truncate()
    year_id = _place_rounds()
    now = timezone.now()
    provinces = dict(_q("SELECT code, id FROM matching_province"))
    modes = [row[0] for row in _q("SELECT id FROM matching_transportmode ORDER BY position")]
    mix_province = [provinces[code] for code, _prefix in PROVINCE_MIX]
    mix_prefix = [prefix for _code, prefix in PROVINCE_MIX]

    # Services (100) with one mentor each; schools (80 secondary, 20 CVO).
    _q(
        """
        INSERT INTO matching_service (name, code, province_id, postcode, municipality, email,
            phone, is_active, location_precision)
        SELECT 'Dienst Gezinszorg ' || i, 'BDGZ' || lpad(i::text, 4, '0'),
            (%(prov)s::bigint[])[1 + i %% 20], (%(pre)s::text[])[1 + i %% 20] || '00',
            'Gemeente ' || i, 'dienst' || i || '@bench.example', '03 123 45 67', true, ''
        FROM generate_series(1, %(n)s) AS i
        """,
        {"prov": mix_province, "pre": mix_prefix, "n": SERVICES},
    )
    _q(
        """
        INSERT INTO matching_contactperson (service_id, name, phone, email)
        SELECT id, 'Mentor ' || id, '03 123 45 67', 'mentor' || id || '@bench.example'
        FROM matching_service
        """
    )
    _q(
        """
        INSERT INTO matching_school (name, code, kind, province_id, postcode, municipality,
            email, phone)
        SELECT CASE WHEN i <= %(sec)s THEN 'Zorgschool ' ELSE 'CVO ' END || i,
            'BSCH' || lpad(i::text, 4, '0'),
            CASE WHEN i <= %(sec)s THEN 'secondary' ELSE 'cvo' END,
            (%(prov)s::bigint[])[1 + (i * 7) %% 20],
            (%(pre)s::text[])[1 + (i * 7) %% 20] || lpad((i %% 100)::text, 2, '0'),
            'Gemeente ' || i, 'school' || i || '@bench.example', '09 123 45 67'
        FROM generate_series(1, %(n)s) AS i
        """,
        {"sec": SCHOOLS - CVO_SCHOOLS, "prov": mix_province, "pre": mix_prefix, "n": SCHOOLS},
    )

    # Logins: 3 per service (guardian act_for_service + the service group), 1 operator.
    _q(
        """
        INSERT INTO accounts_user (password, is_superuser, username, first_name, last_name,
            is_staff, is_active, date_joined, email)
        SELECT '!bench', false, e, 'Medewerker', s.id || '-' || j, false, true, %(now)s, e
        FROM matching_service s, generate_series(1, %(k)s) AS j,
            LATERAL (SELECT 'svc' || s.id || '-' || j || '@bench.example' AS e) AS x
        """,
        {"k": LOGINS_PER_SERVICE, "now": now},
    )
    _q(
        """
        INSERT INTO accounts_user (password, is_superuser, username, first_name, last_name,
            is_staff, is_active, date_joined, email)
        VALUES ('!bench', true, %(e)s, 'Bench', 'Beheerder', true, true, %(now)s, %(e)s)
        """,
        {"e": OPERATOR_EMAIL, "now": now},
    )
    _q(
        """
        INSERT INTO matching_serviceuserobjectpermission (content_object_id, permission_id,
            user_id)
        SELECT split_part(u.last_name, '-', 1)::bigint, p.id, u.id
        FROM accounts_user u, auth_permission p JOIN django_content_type ct
            ON ct.id = p.content_type_id
        WHERE u.email LIKE 'svc%%@bench.example' AND p.codename = 'act_for_service'
            AND ct.app_label = 'matching'
        """
    )
    _q(
        """
        INSERT INTO accounts_user_groups (user_id, group_id)
        SELECT u.id, g.id FROM accounts_user u, auth_group g
        WHERE u.email LIKE 'svc%%@bench.example' AND g.name = 'Diensten'
        """
    )

    # Students: 70% secondary, 15% adult (at a CVO), 15% dual; the last RACE_POOL rows are
    # secondary, visible, without decisions (the accept measurements use them).
    total = n + RACE_POOL
    _q(
        """
        INSERT INTO matching_student (school_year_id, school_id, track, first_name, last_name,
            national_register_number, email, phone, postcode, municipality, province_id,
            education, supervisor_name, supervisor_email, supervisor_phone, requested_start,
            requested_end, hours, remarks, registered_at, import_key, duplicate_note,
            location_precision)
        SELECT %(year)s, sc.id, t.track,
            (%(first)s::text[])[1 + (i::bigint * 7919) %% 40],
            (%(last)s::text[])[1 + (i::bigint * 104729) %% 40],
            nrn.base || lpad((97 - (2000000000 + nrn.base::bigint) %% 97)::text, 2, '0'),
            'leerling' || i || '@bench.example', '0470 12 34 56',
            left(sc.postcode, 2) || lpad(((i * 31) %% 100)::text, 2, '0'),
            sc.municipality, sc.province_id, 'Zorgkundige', 'Begeleider ' || (i %% 500),
            'begeleider' || (i %% 500) || '@bench.example', '03 987 65 43',
            %(start)s::date, %(start)s::date + 60, 120, '',
            %(now)s - ((i %% 120) || ' days')::interval - interval '61 days',
            CASE WHEN i > %(n)s THEN %(race)s ELSE '' END, '', ''
        FROM generate_series(1, %(total)s) AS i
        CROSS JOIN LATERAL (SELECT CASE
            WHEN i > %(n)s OR i %% 20 < 14 THEN 'secondary'
            WHEN i %% 20 < 17 THEN 'adult' ELSE 'dual' END AS track) AS t
        CROSS JOIN LATERAL (SELECT to_char(date '2007-01-01' + (i %% 1000), 'YYMMDD')
            || lpad((1 + (i / 1000) %% 998)::text, 3, '0') AS base) AS nrn
        JOIN matching_school sc ON sc.id = CASE
            WHEN t.track = 'adult' THEN %(sec)s + 1 + (i * 13) %% %(cvo)s
            ELSE 1 + (i * 17) %% %(sec)s END
        ORDER BY i
        """,
        {
            "year": year_id,
            "first": FIRST_NAMES,
            "last": LAST_NAMES,
            "start": (now + dt.timedelta(days=30)).date(),
            "now": now,
            "n": n,
            "total": total,
            "race": RACE_KEY,
            "sec": SCHOOLS - CVO_SCHOOLS,
            "cvo": CVO_SCHOOLS,
        },
    )
    # 1-3 preferred services, 1-2 transport modes per student.
    _q(
        """
        INSERT INTO matching_student_preferred_services (student_id, service_id)
        SELECT DISTINCT s.id, 1 + (s.id * 37 + k * 41) %% %(svc)s
        FROM matching_student s, generate_series(0, 2) AS k
        WHERE k <= s.id %% 3
        """,
        {"svc": SERVICES},
    )
    _q(
        """
        INSERT INTO matching_student_transport_modes (student_id, transportmode_id)
        SELECT DISTINCT s.id, (%(modes)s::bigint[])[1 + (s.id + k * 2) %% %(m)s]
        FROM matching_student s, generate_series(0, 1) AS k
        WHERE k <= s.id %% 2
        """,
        {"modes": modes, "m": len(modes)},
    )
    # Decisions: 10 distinct services per student; one in six students is placed (its
    # first decision is `accepted`, with mentor and period). Dual decisions use the dual set.
    _q(
        """
        INSERT INTO matching_decision (service_id, student_id, status, mentor_id,
            period_start, period_end, note, updated_at, updated_by_id, beyond_capacity)
        SELECT d.service_id, s.id, d.status,
            CASE WHEN d.status = 'accepted' THEN cp.id END,
            CASE WHEN d.status = 'accepted' AND s.track <> 'dual' THEN s.requested_start END,
            CASE WHEN d.status = 'accepted' AND s.track <> 'dual' THEN s.requested_end END,
            '', %(now)s - ((k + 1) || ' days')::interval, NULL, false
        FROM matching_student s
        CROSS JOIN generate_series(0, %(k)s - 1) AS k
        CROSS JOIN LATERAL (SELECT 1 + (s.id * 7 + k * 13) %% %(svc)s AS service_id,
            CASE
                WHEN k = 0 AND s.id %% 6 = 0 THEN 'accepted'
                WHEN s.track = 'dual' THEN (ARRAY['not_invited', 'invited', 'not_accepted',
                    'undecided'])[1 + (s.id + k) %% 4]
                ELSE (ARRAY['not_accepted', 'undecided'])[1 + (s.id + k) %% 2]
            END AS status) AS d
        JOIN matching_contactperson cp ON cp.service_id = d.service_id
        WHERE s.import_key = ''
        """,
        {"now": now, "k": DECISIONS_PER_STUDENT, "svc": SERVICES},
    )
    # History: each decision's change from undecided; dual accepted/not accepted were
    # invited first (the dual rule), so their history holds that step too.
    _q(
        """
        INSERT INTO matching_statuschange (student_id, service_id, from_status, to_status,
            changed_by_id, changed_at)
        SELECT student_id, service_id, 'undecided', status, NULL::bigint, updated_at
        FROM matching_decision WHERE status <> 'undecided'
        UNION ALL
        SELECT d.student_id, d.service_id, 'undecided', 'invited', NULL::bigint,
            d.updated_at - interval '1 day'
        FROM matching_decision d JOIN matching_student s ON s.id = d.student_id
        WHERE s.track = 'dual' AND d.status IN ('accepted', 'not_accepted')
        """
    )
    # Undecided rows in the history of a re-decided request: a second change for 1 in 4.
    _q(
        """
        INSERT INTO matching_statuschange (student_id, service_id, from_status, to_status,
            changed_by_id, changed_at)
        SELECT student_id, service_id, 'not_accepted', 'undecided', NULL,
            updated_at - interval '2 days'
        FROM matching_decision WHERE status = 'undecided' AND id %% 2 = 0
        """
    )
    _locate("matching_service")
    _locate("matching_student")


def _locate(table: str) -> None:
    """Points from the postcode, as the product's Located.locate gives them (its own
    postcodes.location_for; the generated municipality names are not real, so the postcode
    decides), one UPDATE per table."""
    from matching import postcodes

    found = [
        (code, location)
        for (code,) in _q(f"SELECT DISTINCT postcode FROM {table}")
        if (location := postcodes.location_for(code)) is not None
    ]
    _q(
        f"""
        UPDATE {table} t SET latitude = v.lat, longitude = v.lon, location_precision = v.pr
        FROM unnest(%s::text[], %s::float8[], %s::float8[], %s::text[]) AS v(pc, lat, lon, pr)
        WHERE t.postcode = v.pc
        """,
        [
            [code for code, _loc in found],
            [loc.latitude for _code, loc in found],
            [loc.longitude for _code, loc in found],
            [loc.precision for _code, loc in found],
        ],
    )


def analyze() -> None:
    for table in (
        "matching_student",
        "matching_decision",
        "matching_statuschange",
        "matching_student_preferred_services",
        "matching_student_transport_modes",
    ):
        _q(f"ANALYZE {table}")


def race_pool() -> list[int]:
    return [
        row[0]
        for row in _q(
            "SELECT id FROM matching_student WHERE import_key = %s ORDER BY id", [RACE_KEY]
        )
    ]


def reset_race_pool() -> None:
    """Remove what the accept measurements wrote, so the dataset stays as generated."""
    ids = race_pool()
    if not ids:
        return
    _q("DELETE FROM matching_statuschange WHERE student_id = ANY(%s)", [ids])
    _q("DELETE FROM matching_decision WHERE student_id = ANY(%s)", [ids])
    _q("DELETE FROM matching_personaldataaccess WHERE student_id = ANY(%s)", [ids])


def add_mail_logins(total: int) -> int:
    """Extra active service logins so a round mailing reaches `total` logins; returns the
    number of service logins now active."""
    existing = _q(
        "SELECT count(*) FROM matching_serviceuserobjectpermission p"
        " JOIN accounts_user u ON u.id = p.user_id WHERE u.is_active"
    )[0][0]
    extra = max(0, total - existing)
    if extra:
        _q(
            """
            INSERT INTO accounts_user (password, is_superuser, username, first_name,
                last_name, is_staff, is_active, date_joined, email)
            SELECT '!bench', false, e, 'Ontvanger', (1 + i %% %(svc)s)::text, false, true,
                now(), e
            FROM generate_series(1, %(n)s) AS i,
                LATERAL (SELECT 'mail' || i || '@bench.example' AS e) AS x
            """,
            {"n": extra, "svc": SERVICES},
        )
        _q(
            """
            INSERT INTO matching_serviceuserobjectpermission (content_object_id,
                permission_id, user_id)
            SELECT u.last_name::bigint, p.id, u.id
            FROM accounts_user u, auth_permission p JOIN django_content_type ct
                ON ct.id = p.content_type_id
            WHERE u.email LIKE 'mail%%@bench.example' AND p.codename = 'act_for_service'
                AND ct.app_label = 'matching'
            """
        )
    return existing + extra


def remove_mail_logins() -> None:
    _delete_users("mail%@bench.example")
