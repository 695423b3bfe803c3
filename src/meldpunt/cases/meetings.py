"""Writes of the casusoverleg: plan it, put casussen on the agenda, invite participants, record
minutes, decisions and attendance. One transaction each, logged (P2).

Participants see nothing of a casus until the privacyfunctionaris released items to them
(``releases``); inviting someone gives them no access by itself.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from meldpunt import policy
from meldpunt.core.errors import NotAllowed
from meldpunt.privacy import log
from meldpunt.privacy.retention.models import ResultClass
from meldpunt.protocol.transitions import CasusState
from meldpunt.tenancy.defaults import gemeente_or_only
from meldpunt.tenancy.models import Tenant

from .errors import CaseError
from .items import casus_subjects
from .models import AgendaItem, Meeting, MeetingState, Participant
from .services import check_manager, lock

# Selectielijst 2020: agenda and minutes of internal meetings 1 year, with third parties 5 years.
MINUTES_INTERNAL = "19.1.9"
MINUTES_THIRD_PARTIES = "19.1.11"
OPEN_FOR_AGENDA = (CasusState.VOORBEREIDING, CasusState.CASUSOVERLEG, CasusState.PVA_VASTGESTELD,
                   CasusState.UITVOERING, CasusState.MONITORING)


def _organiser(user, gemeente) -> None:
    if not policy.may_organise_meeting(user, gemeente):
        raise NotAllowed("Alleen de regisseur organiseert een casusoverleg.")


def _meeting_subject(meeting: Meeting) -> list[log.DataSubject]:
    return [log.DataSubject("intern", f"casusoverleg:{meeting.pk}")]


def minutes_result_class(meeting: Meeting) -> ResultClass | None:
    item = MINUTES_THIRD_PARTIES if meeting.with_third_parties else MINUTES_INTERNAL
    # A default row: a gemeente's own row changes only the term (privacy/retention/terms.py).
    return ResultClass.objects.filter(selectielijst_item=item, active=True, gemeente__isnull=True).order_by(
        "pk").first()


@transaction.atomic
def plan(user, title: str, starts_at, location: str = "", with_third_parties: bool = False,
         gemeente: Tenant | None = None) -> Meeting:
    """A casusoverleg of ``gemeente`` (without one: the installation's only gemeente); its agenda
    takes only that gemeente's casussen."""
    gemeente = gemeente_or_only(gemeente)
    _organiser(user, gemeente.code)
    problems = []
    if not (title or "").strip():
        problems.append("Geef het overleg een naam.")
    if starts_at is None:
        problems.append("Kies datum en tijd van het overleg.")
    if problems:
        raise CaseError(*problems)
    meeting = Meeting.objects.create(gemeente=gemeente, title=title.strip()[:200],
                                     starts_at=starts_at, location=location.strip()[:200],
                                     with_third_parties=with_third_parties, organiser=user,
                                     created_at=timezone.now())
    log.record("casusoverleg_plannen", "casus", _meeting_subject(meeting), user=user, obj=meeting)
    return meeting


def _planned(meeting: Meeting) -> None:
    if meeting.state != MeetingState.GEPLAND:
        raise CaseError("Dit overleg is al gehouden.")


@transaction.atomic
def add_to_agenda(user, meeting: Meeting, casus) -> AgendaItem:
    """Only the organiser puts a casus on the agenda, and only one they are involved in: a casus
    on an agenda lets its regisseur open the meeting, so nobody may join another's meeting."""
    _organiser(user, meeting.gemeente_id)
    if meeting.organiser_id != user.pk:
        raise NotAllowed("Alleen de organisator van dit casusoverleg zet casussen op de agenda.")
    check_manager(user, casus)
    casus = lock(casus)
    _planned(meeting)
    if casus.state not in OPEN_FOR_AGENDA:
        raise CaseError("Een afgesloten casus kan niet op de agenda.")
    if AgendaItem.objects.filter(meeting=meeting, casus=casus).exists():
        raise CaseError(f"Casus {casus.reference} staat al op de agenda.")
    if casus.gemeente_id != meeting.gemeente_id:
        raise CaseError(f"Casus {casus.reference} is van {casus.gemeente.naam} en dit casusoverleg van "
                        f"{meeting.gemeente.naam}: op de agenda staan alleen casussen van de eigen gemeente.")
    order = meeting.agenda.count() + 1
    item = AgendaItem.objects.create(meeting=meeting, casus=casus, order=order)
    log.record("agenderen", "casus", [log.DataSubject("intern", f"casus:{casus.pk}")], user=user, obj=casus)
    return item


@transaction.atomic
def invite(user, meeting: Meeting, invitee, organisation: str, external: bool = False) -> Participant:
    """Invite a participant: an internal department, or an external partner where the local
    protocol allows it (a meeting 'met externe partners')."""
    _organiser(user, meeting.gemeente_id)
    if meeting.organiser_id != user.pk:
        raise NotAllowed("Alleen de organisator van dit casusoverleg nodigt deelnemers uit.")
    _planned(meeting)
    problems = []
    if not policy.may_be_invited(invitee, meeting.gemeente_id):
        problems.append("Alleen iemand met de rol casusoverleg-deelnemer kan worden uitgenodigd.")
    if external and not meeting.with_third_parties:
        problems.append("Dit overleg is intern: het lokale protocol laat hier geen externe partners toe.")
    if not (organisation or "").strip():
        problems.append("Vul de afdeling of organisatie van de deelnemer in.")
    if Participant.objects.filter(meeting=meeting, user=invitee).exists():
        problems.append("Deze deelnemer is al uitgenodigd.")
    if problems:
        raise CaseError(*problems)
    participant = Participant.objects.create(meeting=meeting, user=invitee, organisation=organisation.strip()[:200],
                                             external=external, invited_at=timezone.now())
    log.record("uitnodigen", "casus", [log.DataSubject("intern", f"medewerker:{invitee.pk}")], user=user,
               obj=meeting)
    return participant


@transaction.atomic
def record_minutes(user, item: AgendaItem, minutes: str, decisions: str) -> AgendaItem:
    """Minutes and decisions of one casus in the meeting; they get the retention class of the
    meeting's kind (19.1.9 internal, 19.1.11 with third parties)."""
    check_manager(user, item.casus)
    lock(item.casus)
    if not (minutes or "").strip():
        raise CaseError("Het verslag is leeg.")
    item.minutes, item.decisions = minutes.strip(), (decisions or "").strip()
    item.minutes_by, item.minutes_at = user, timezone.now()
    item.minutes_result_class = minutes_result_class(item.meeting)
    item.save(update_fields=["minutes", "decisions", "minutes_by", "minutes_at", "minutes_result_class"])
    log.record("verslag_vastleggen", "casus", casus_subjects(item.casus), user=user, obj=item.casus)
    return item


@transaction.atomic
def record_attendance(user, meeting: Meeting, present_ids) -> Meeting:
    """Who was there; the meeting is then held."""
    _organiser(user, meeting.gemeente_id)
    if meeting.organiser_id != user.pk and not any(
            user.pk == item.casus.lead_id for item in meeting.agenda.select_related("casus")):
        raise NotAllowed("Alleen de organisator of de regisseur van een casus op de agenda legt de aanwezigheid vast.")
    present = {int(i) for i in present_ids}
    for participant in meeting.participants.all():
        participant.attended = participant.pk in present
        participant.save(update_fields=["attended"])
    meeting.state = MeetingState.GEHOUDEN
    meeting.save(update_fields=["state"])
    log.record("aanwezigheid_vastleggen", "casus", _meeting_subject(meeting), user=user, obj=meeting)
    return meeting
