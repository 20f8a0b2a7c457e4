"""The mail a sent proposal causes: one per service (to each of its logins, or to the
service's own address when it has none), through the outbox in the sending transaction.
It names no student: the names are in the service's "Voorstellen" screen."""

from django.db import transaction
from django.urls import reverse

from matching.memberships import service_logins
from matching.wording import mail_moment, placement_words, track_label
from notifications.services import outbox_enqueue, outbox_queue

TEMPLATE_KEY = "proposal_sent_service"


def notify_services_of_proposal(*, run, counts: dict) -> list:
    """Queue the mails of `run` ({service: number of proposed students}); at most one per
    run, service and recipient (dedup key)."""
    from django.conf import settings

    logins: dict[int, list] = {}
    for row in service_logins(service_ids=[s.pk for s in counts]):
        logins.setdefault(row.content_object_id, []).append(row.user)
    url = settings.SITE_URL.rstrip("/") + reverse("proposals_service:index")
    rows = []
    for service, count in counts.items():
        recipients = [
            (u.email, u.get_full_name() or u.email, u.pk) for u in logins.get(service.pk, [])
        ]
        if not recipients and service.email:
            recipients = [(service.email, service.name, "service")]
        for email, name, key in recipients:
            row = outbox_queue(
                to=email,
                template_key=TEMPLATE_KEY,
                context={
                    "naam": name,
                    "dienst": service.name,
                    "aantal": count,
                    "type": track_label(run.track),
                    "schooljaar": run.school_year.name,
                    "antwoorden_tot": mail_moment(run.deadline),
                    "plaats": placement_words(run.track)["plaats"],
                    "voorstellen_url": url,
                },
                dedup_key=f"proposal:{run.pk}:{service.pk}:{key}",
                enqueue=False,
            )
            if row is not None:
                rows.append(row)
    ids = [row.pk for row in rows]
    transaction.on_commit(lambda: outbox_enqueue(ids))
    return rows
