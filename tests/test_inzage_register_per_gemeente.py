"""An inzage package speaks for its own controller (ADR 0030 §7): the purposes, legal bases and the
names of the processing activities come from the request's gemeente's register — its own entries
where it changed them, the template for the rest — and the package names that gemeente's college."""

import pytest
from django.utils import timezone

from factories import new_signal
from meldpunt.accounts.roles import Role
from meldpunt.privacy import register as processing_register
from meldpunt.privacy.inzage import package, services
from meldpunt.privacy.inzage.models import Decision
from meldpunt.privacy.inzage.services import DecisionInput, RequestInput

pytestmark = pytest.mark.django_db

BSN = "999993653"
OWN_PURPOSE = "Wormerland beoordeelt signalen met de eigen afdeling Veiligheid en Handhaving."
OWN_NAME = "Signalen ontvangen (Wormerland)"


def _package(make_user, gemeente) -> dict:
    staff = make_user(Role.BEOORDELAAR, gemeente=gemeente)
    new_signal(staff, "Jan de Proef", BSN, gemeente=gemeente)
    pf = make_user(Role.PRIVACYFUNCTIONARIS, gemeente=gemeente)
    request = services.register(pf, RequestInput(
        received_on=timezone.localdate(), requester_name="Jan de Proef", requester_contact="per post",
        identity_document="digid", subject_bsn=BSN), gemeente=gemeente)
    for item in services.search(pf, request):
        services.decide(pf, item, DecisionInput(decision=Decision.VOLLEDIG))
    return package.build(request)


def _purposes(content) -> dict[str, dict]:
    return {row["activiteit"]: row for row in content["verwerkingsdoelen"]}


def test_the_package_of_b_reads_bs_register_and_a_keeps_the_template(make_user, home_gemeente, wormerland):
    template = processing_register.entry("", "intake", 1)
    processing_register.revise("intake", gemeente=wormerland.code, name=OWN_NAME, purpose=OWN_PURPOSE)

    theirs = _package(make_user, wormerland)
    assert OWN_NAME in _purposes(theirs) and _purposes(theirs)[OWN_NAME]["doel"] == OWN_PURPOSE
    assert template.name not in _purposes(theirs)
    assert "gemeente Wormerland" in theirs["verwerkingsverantwoordelijke"]
    names = {line["verwerkingsactiviteit"] for item in theirs["gegevens"] for line in item.get("verwerkingen", [])}
    assert names and template.name not in names

    ours = _package(make_user, home_gemeente)
    assert template.name in _purposes(ours) and OWN_NAME not in _purposes(ours)
    assert OWN_PURPOSE not in str(ours)
    assert "gemeente Zaanstad" in ours["verwerkingsverantwoordelijke"]
