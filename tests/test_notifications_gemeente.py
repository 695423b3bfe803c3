"""A melding has the gemeente of the record it is about, and a background job the gemeente it works
for (ADR 0030 §2; notes/regio.md S1): with two gemeenten in the installation each lands in its own."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import grant_roles
from factories import OTHER_NAME, new_signal
from meldpunt.cases import meetings
from meldpunt.cases.tasks import interventie_herinneringen
from meldpunt.jobs import runs
from meldpunt.jobs.models import JobRun, State
from meldpunt.notifications import signalering
from meldpunt.notifications.models import Kind, Notification
from meldpunt.notifications.services import notify
from meldpunt.tenancy import ownership
from meldpunt.tenancy.defaults import GemeenteRequired
from meldpunt.tenancy.models import Tenant
from test_retention_support import due_signal, pass_cooling_off

pytestmark = pytest.mark.django_db


def add_wormerland() -> Tenant:
    return Tenant.objects.create(code="GM0880", naam="Wormerland", reference_prefix="WL", key_slot="GM0880",
                                 log_chain="verwerking:GM0880", register_uri="urn:nl:gm0880:register")


def test_meldingen_take_the_gemeente_of_their_work(make_user, home_gemeente):
    beoordelaar, deelnemer = make_user("beoordelaar", "regisseur"), make_user("deelnemer")
    own = new_signal(beoordelaar)
    wormerland = add_wormerland()
    # Roles are held per gemeente (ADR 0030 §3): the same people work for Wormerland too.
    grant_roles(beoordelaar, "beoordelaar", "regisseur", gemeente=wormerland)
    grant_roles(deelnemer, "deelnemer", gemeente=wormerland)
    theirs = new_signal(beoordelaar, OTHER_NAME, "999990019", index=1, gemeente=wormerland)

    # the daily signalering: both signals wait too long in "ontvangen"
    signalering.scan(timezone.localdate() + timedelta(days=6))
    waiting = dict(Notification.objects.filter(kind=Kind.SIGNAAL_WACHT, recipient=beoordelaar)
                   .values_list("kenmerk", "gemeente_id"))
    assert waiting == {own.reference: "GM0479", theirs.reference: "GM0880"}

    # a receiver: an invitation to Wormerland's casusoverleg
    overleg = meetings.plan(beoordelaar, "Casusoverleg Wormerland", timezone.now() + timedelta(days=3),
                            "Gemeentehuis", gemeente=wormerland)
    meetings.invite(beoordelaar, overleg, deelnemer, "Afdeling Handhaving")
    invitation = Notification.objects.get(recipient=deelnemer, kind=Kind.UITNODIGING)
    assert invitation.gemeente == wormerland and ownership.gemeente_code_of(invitation) == "GM0880"

    # work that does not name its gemeente is refused once there are two, and nothing is made
    before = Notification.objects.count()
    with pytest.raises(GemeenteRequired, match="meer dan één gemeente"):
        notify(deelnemer, Kind.BESLUIT, "MO-2026-0000001", "/", "zonder-gemeente")
    assert Notification.objects.count() == before


def test_a_job_run_has_the_gemeente_it_works_for(client, make_user, home_gemeente):
    staff, archivaris, tweede = make_user("beoordelaar", "regisseur", "teamlid"), make_user("archivaris"), \
        make_user("archivaris")
    due_signal(staff)
    from meldpunt.privacy.retention import services as retention

    destruction_list = retention.compose(archivaris, "Lijst")
    retention.review(tweede, destruction_list, True)
    pass_cooling_off(destruction_list)
    client.force_login(archivaris)
    client.post(reverse("retention:uitvoeren", args=[destruction_list.pk]))
    run = JobRun.objects.get(task_name="meldpunt.retention.vernietigen")
    assert run.gemeente == home_gemeente and ownership.gemeente_code_of(run) == "GM0479"

    # an installation-wide job has none; a restart keeps the gemeente of the run it repeats
    wide = interventie_herinneringen.start()
    assert wide.gemeente_id is None and ownership.gemeente_code_of(wide) is None
    wormerland = add_wormerland()
    failed = JobRun.objects.create(task_name=interventie_herinneringen.name, title="Herinneringen",
                                   lock_key=interventie_herinneringen.name, state=State.MISLUKT, gemeente=wormerland)
    again = runs.restart(make_user("beheerder", gemeente=wormerland), failed)
    assert again.retry_of == failed and again.gemeente == wormerland
