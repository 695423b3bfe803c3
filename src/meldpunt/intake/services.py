"""Every write on signals at intake. Each public function is one transaction: it validates,
applies the access policy, writes the history and the processing log, or changes nothing (P8)."""

from __future__ import annotations

import secrets
import unicodedata
from dataclasses import dataclass, field, fields
from datetime import date

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.validators import validate_email
from django.db import transaction
from django.forms import ValidationError
from django.utils import timezone

from meldpunt import policy
from meldpunt.core import identifiers
from meldpunt.privacy import log
from meldpunt.privacy import security as security_log
from meldpunt.registries.models import Buurt, Nummeraanduiding
from meldpunt.tenancy.counters import signal_reference
from meldpunt.tenancy.defaults import gemeente_or_only
from meldpunt.tenancy.models import Tenant

from . import files, hooks, subjects
from .errors import AttachmentError, IntakeError, PartnerTokenError  # noqa: F401 (re-exported)
from .models import (
    Attachment,
    Channel,
    MentionedSubject,
    PartnerOrganisation,
    Phenomenon,
    ReporterContact,
    ReporterKind,
    Signal,
    SubjectKind,
)

STAFF_CHANNEL_REFUSED = "Alleen medewerkers van het meldpunt registreren meldingen per telefoon of balie."


@dataclass
class SubjectInput:
    kind: str
    role: str = ""
    name: str = ""
    birth_date: date | None = None
    bsn: str = ""
    kvk_nummer: str = ""
    address: str = ""  # BAG nummeraanduiding id
    address_text: str = ""
    kenteken: str = ""
    # Partial identification of a person (intake.models.MentionedSubject).
    birth_year: int | None = None
    age_from: int | None = None
    age_to: int | None = None
    description: str = ""


@dataclass
class UploadInput:
    name: str
    content: bytes


@dataclass
class SignalInput:
    channel: str
    description: str
    phenomenon: str = "overig"
    reporter_kind: str = ReporterKind.ANONIEM
    location_text: str = ""
    buurt: str = ""
    address: str = ""
    occurred_on: date | None = None
    occurred_text: str = ""
    contact_name: str = ""
    contact_email: str = ""
    contact_phone: str = ""
    subjects: list[SubjectInput] = field(default_factory=list)
    uploads: list[UploadInput] = field(default_factory=list)


RECEIPT_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
MAX_DESCRIPTION = 5000
# An observation or a birth date before this is a typing error (0001-01-01, 1800), not a fact (P8).
EARLIEST_DATE = date(1900, 1, 1)
_KENTEKEN_CHARS = set("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")


def _receipt_code() -> str:
    raw = "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def visible(text: str) -> bool:
    """True when ``text`` holds a character one can see (not only spaces or zero-width marks)."""
    return any(not ch.isspace() and unicodedata.category(ch) not in ("Cf", "Cc", "Zs") for ch in text or "")


MAX_AGE = 120


def _partial_identification(item: SubjectInput, mention: MentionedSubject, add) -> None:
    """Birth year, age range and signalement: what a reporter often knows instead of a birth date."""
    this_year = timezone.localdate().year
    mention.description = (item.description or "").strip()[:300]
    if item.birth_year is not None:
        if not EARLIEST_DATE.year <= item.birth_year <= this_year:
            add(f"Een geboortejaar ligt tussen {EARLIEST_DATE.year} en {this_year}.")
        elif item.birth_date and item.birth_date.year != item.birth_year:
            add("Het geboortejaar past niet bij de geboortedatum. Vul één van beide in.")
        mention.birth_year = item.birth_year
    for value in (item.age_from, item.age_to):
        if value is not None and not 0 <= value <= MAX_AGE:
            add(f"Een leeftijd ligt tussen 0 en {MAX_AGE} jaar.")
    if item.age_from is not None and item.age_to is not None and item.age_from > item.age_to:
        add("De leeftijd 'van' is hoger dan 'tot en met'.")
    mention.age_from, mention.age_to = item.age_from, item.age_to
    if item.kind != SubjectKind.PERSOON and (item.birth_year is not None or item.age_from is not None
                                            or item.age_to is not None):
        add("Een geboortejaar of leeftijd hoort alleen bij een persoon.")


def clean_subject(index: int, item: SubjectInput, errors: dict) -> MentionedSubject | None:
    """Check one subject as typed (intake or a change after intake); errors go under subjects.<index>."""
    key = f"subjects.{index}"

    def add(message: str) -> None:
        errors.setdefault(key, []).append(message)

    if item.kind not in SubjectKind.values:
        add("Kies persoon, onderneming, adres of voertuig.")
        return None
    mention = MentionedSubject(kind=item.kind, role=item.role.strip()[:80], name=item.name.strip()[:200],
                               birth_date=item.birth_date, address_text=item.address_text.strip()[:200])
    try:
        if item.bsn:
            mention.bsn = identifiers.parse_bsn(item.bsn)
        if item.kvk_nummer:
            mention.kvk_nummer = identifiers.parse_kvk_nummer(item.kvk_nummer)
        if item.address:
            bag = identifiers.parse_bag_id(item.address, "nummeraanduiding")
            if not Nummeraanduiding.objects.filter(pk=bag).exists():
                raise identifiers.InvalidIdentifier("Dit adres staat niet in de BAG van deze gemeente.")
            mention.address_id = bag
    except identifiers.InvalidIdentifier as error:
        add(str(error))
    if item.kenteken:
        plate = item.kenteken.replace("-", "").replace(" ", "").upper()
        if not (4 <= len(plate) <= 8 and set(plate) <= _KENTEKEN_CHARS):
            add("Een kenteken bestaat uit 4 tot 8 letters en cijfers.")
        mention.kenteken = plate
    if item.birth_date and item.birth_date > timezone.localdate():
        add("Een geboortedatum kan niet in de toekomst liggen.")
    elif item.birth_date and item.birth_date < EARLIEST_DATE:
        add(f"Een geboortedatum ligt niet voor {EARLIEST_DATE.year}.")
    _partial_identification(item, mention, add)
    if not any((visible(mention.name), mention.bsn, mention.kvk_nummer, mention.address_id,
                visible(mention.address_text), mention.kenteken, visible(mention.description))):
        add("Vul ten minste een naam, nummer, adres, kenteken of signalement in.")
    return mention


NUL_MESSAGE = "Deze tekst bevat een NUL-teken (\\0); dat nemen we niet aan."


def _nul_characters(data: SignalInput, errors: dict) -> None:
    """A NUL character in any text is refused for every channel (PostgreSQL cannot store it, and a
    file import or a client that sends it means something went wrong upstream)."""
    for item in fields(data):
        value = getattr(data, item.name)
        if isinstance(value, str) and "\x00" in value:
            errors.setdefault(item.name, []).append(NUL_MESSAGE)
    for index, subject in enumerate(data.subjects):
        if any(isinstance(getattr(subject, f.name), str) and "\x00" in getattr(subject, f.name)
               for f in fields(subject)):
            errors.setdefault(f"subjects.{index}", []).append(NUL_MESSAGE)


def _validate(data: SignalInput) -> tuple[dict, dict]:
    errors: dict[str, list[str]] = {}
    clean: dict = {}
    _nul_characters(data, errors)
    if data.channel not in Channel.values:
        errors["channel"] = ["Onbekend kanaal."]
    if data.reporter_kind not in ReporterKind.values:
        errors["reporter_kind"] = ["Onbekende soort melder."]
    description = (data.description or "").strip()
    if len(description) < 10:
        errors["description"] = ["Beschrijf in ten minste een paar woorden wat u hebt gezien."]
    elif len(description) > MAX_DESCRIPTION:
        errors["description"] = [f"De omschrijving mag hoogstens {MAX_DESCRIPTION} tekens zijn."]
    clean["description"] = description
    phenomenon = Phenomenon.objects.filter(code=data.phenomenon or "overig", active=True).first()
    if phenomenon is None:
        errors["phenomenon"] = ["Kies een onderwerp uit de lijst."]
    clean["phenomenon"] = phenomenon
    clean["address"] = None
    clean["buurt"] = None
    if data.address:
        try:
            bag = identifiers.parse_bag_id(data.address, "nummeraanduiding")
            address = Nummeraanduiding.objects.select_related("verblijfsobject__buurt").filter(pk=bag).first()
            if address is None:
                raise identifiers.InvalidIdentifier("Dit adres staat niet in de BAG van deze gemeente.")
            clean["address"] = address
            vbo = getattr(address, "verblijfsobject", None)
            clean["buurt"] = vbo.buurt if vbo else None
        except identifiers.InvalidIdentifier as error:
            errors["address"] = [str(error)]
    if data.buurt and clean["buurt"] is None:
        try:
            clean["buurt"] = Buurt.objects.get(code=identifiers.parse_buurtcode(data.buurt))
        except (identifiers.InvalidIdentifier, Buurt.DoesNotExist):
            errors["buurt"] = ["Kies een buurt uit de lijst."]
    if data.occurred_on and data.occurred_on > timezone.localdate():
        errors["occurred_on"] = ["De datum van de waarneming kan niet in de toekomst liggen."]
    elif data.occurred_on and data.occurred_on < EARLIEST_DATE:
        errors["occurred_on"] = [f"De datum van de waarneming ligt niet voor {EARLIEST_DATE.year}."]
    anonymous = data.reporter_kind in (ReporterKind.ANONIEM, ReporterKind.MMA)
    if anonymous and any((data.contact_name, data.contact_email, data.contact_phone)):
        errors["contact"] = ["Een anonieme melding heeft geen contactgegevens. Kies 'niet anoniem' of laat "
                             "ze leeg."]
    if data.contact_email:
        try:
            validate_email(data.contact_email)
        except ValidationError:
            errors["contact_email"] = ["Dit e-mailadres klopt niet."]
    if len(data.contact_phone or "") > 30:
        errors["contact_phone"] = ["Dit telefoonnummer is te lang."]
    clean["mentions"] = [clean_subject(i, s, errors) for i, s in enumerate(data.subjects)]
    if len(data.uploads) > settings.MELDPUNT_MAX_ATTACHMENTS:
        errors["uploads"] = [f"Stuur hoogstens {settings.MELDPUNT_MAX_ATTACHMENTS} bijlagen mee."]
    cleaned_files = []
    for upload in data.uploads[: settings.MELDPUNT_MAX_ATTACHMENTS]:
        try:
            cleaned_files.append((upload, files.clean(upload.content)))
        except AttachmentError as error:
            errors.setdefault("uploads", []).append(str(error))
    clean["files"] = cleaned_files
    return clean, errors


@transaction.atomic
def create_signal(data: SignalInput, *, user=None, partner: PartnerOrganisation | None = None,
                  gemeente: Tenant | None = None) -> Signal:
    """Register a signal in state 'ontvangen' from any channel. A telephone or desk report only by
    meldpunt staff (``policy.may_register_channel``), whoever calls: the view, the API or a job.
    The signal belongs to ``gemeente``; without one, to the installation's only gemeente (ADR 0030)."""
    gemeente = gemeente_or_only(gemeente)
    if not policy.may_register_channel(user, data.channel, gemeente.code):
        raise IntakeError({"channel": [STAFF_CHANNEL_REFUSED]})
    clean, errors = _validate(data)
    if errors:
        raise IntakeError(errors)
    now = timezone.now()
    anonymous = data.reporter_kind in (ReporterKind.ANONIEM, ReporterKind.MMA)
    # Each gemeente numbers its own signals (ADR 0030 §7): ZA-2026-0000123. The counter row is
    # locked in this transaction, so no two signals share a kenmerk and a rollback gives it back.
    signal = Signal.objects.create(
        gemeente=gemeente, reference=signal_reference(gemeente, now.year), receipt_code=_receipt_code(),
        received_at=now,
        channel=data.channel, reporter_kind=data.reporter_kind, phenomenon=clean["phenomenon"],
        description=clean["description"], location_text=data.location_text.strip()[:300],
        occurred_on=data.occurred_on, occurred_text=data.occurred_text.strip()[:200],
        buurt=clean["buurt"], address=clean["address"],
        reported_by=user if user is not None and user.is_authenticated else None, partner=partner,
    )
    mentions = [m for m in clean["mentions"] if m is not None]
    for mention in mentions:
        mention.signal = signal
    MentionedSubject.objects.bulk_create(mentions)
    contact_stored = not anonymous and any((data.contact_name, data.contact_email, data.contact_phone))
    if contact_stored:
        ReporterContact.objects.create(signal=signal, name=data.contact_name.strip()[:200],
                                       email=data.contact_email.strip(), phone=data.contact_phone.strip())
    for upload, cleaned in clean["files"]:
        stored = ContentFile(cleaned.content, name=f"{secrets.token_hex(16)}.{cleaned.extension}")
        Attachment.objects.create(
            signal=signal, file=stored, content_type=cleaned.content_type, size=len(cleaned.content),
            # An anonymous reporter's file name can identify them (P5).
            original_name="" if anonymous else upload.name[:200],
        )
    # The protocol starts the signal's history (its first state and deadline): intake/hooks.py.
    hooks.signal_received(signal, user)
    hooks.subjects_changed(signal)  # e.g. regio's hit/no-hit index (ADR 0030 §8.3)
    if any(mention.pk is None for mention in mentions):
        # A backend that does not return keys from a bulk insert: read them back for the log.
        mentions = list(MentionedSubject.objects.filter(signal=signal))
    log.record("signaal_registreren", "intake", subjects.of_signal(signal, mentions), user=user, obj=signal,
               basis=f"kanaal {signal.channel}",
               data=stored_categories(signal, mentions, contact=contact_stored, attachments=len(clean["files"])))
    return signal


MENTION_CATEGORIES = {SubjectKind.PERSOON: "personen", SubjectKind.ONDERNEMING: "bedrijven",
                      SubjectKind.ADRES: "adressen", SubjectKind.VOERTUIG: "voertuigen (kenteken)"}


def stored_categories(signal: Signal, mentions, *, contact: bool, attachments: int) -> str:
    """Which data this intake stored, for the log line (NEN 7513): exactly what is there — an
    anonymous report has no reporter contact, a report without names no mentioned persons."""
    parts = ["signaalinhoud met bijlagen" if attachments else "signaalinhoud"]
    if signal.address_id:
        parts.append("adres (BAG)")
    elif signal.buurt_id:
        parts.append("buurt")
    kinds = [label for kind, label in MENTION_CATEGORIES.items() if any(m.kind == kind for m in mentions)]
    if kinds:
        numbers = [name for name, present in (("BSN", any(m.bsn for m in mentions)),
                                               ("KvK", any(m.kvk_nummer for m in mentions))) if present]
        listed = kinds[0] if len(kinds) == 1 else f"{', '.join(kinds[:-1])} en {kinds[-1]}"
        parts.append(f"genoemde {listed}" + (f" ({', '.join(numbers)})" if numbers else ""))
    if contact:
        parts.append("contactgegevens melder")
    return ", ".join(parts)


PARTNER_NO_GEMEENTE = ("Dit token levert nog aan geen gemeente; vraag het meldpunt het token aan een gemeente te "
                      "koppelen. Er is niets opgeslagen.")


def _gemeente_names(tenants) -> str:
    return ", ".join(f"{t.code} ({t.naam})" for t in tenants)


def partner_gemeente(partner: PartnerOrganisation, code: str = "") -> Tenant:
    """The gemeente a partner's signal is for (ADR 0030 §2): the one the partner delivers to, or,
    when it delivers to several, the one it names by CBS code (``GM0479``). A code it may not deliver
    to — another gemeente, or one that is no tenant, alike — is refused with a Dutch message."""
    allowed = list(partner.gemeenten.filter(active=True).order_by("naam"))
    if not allowed:
        tenants = list(Tenant.objects.filter(active=True)[:2])
        if len(tenants) != 1:
            raise IntakeError({"gemeente": [PARTNER_NO_GEMEENTE]})
        allowed = tenants  # an installation of one gemeente: every partner delivers there
    code = (code or "").strip().upper()
    if code:
        chosen = next((t for t in allowed if t.code == code), None)
        if chosen is None:
            raise IntakeError({"gemeente": [
                f"U levert geen signalen aan gemeente {code[:12]}. U levert aan: {_gemeente_names(allowed)}."]})
        return chosen
    if len(allowed) > 1:
        raise IntakeError({"gemeente": [
            "Noem de gemeente waarvoor dit signaal is (een CBS-code zoals GM0479): u levert aan meer dan één "
            f"gemeente ({_gemeente_names(allowed)})."]})
    return allowed[0]


def _new_token() -> str:
    return secrets.token_urlsafe(32)


@transaction.atomic
def issue_token(name: str, *, replace: bool = False, gemeenten=()) -> tuple[PartnerOrganisation, str]:
    """Create partner ``name`` with a fresh token (or, with ``replace``, give an existing partner
    a new token, which revokes the old one). Returns the partner and the token in clear text; the
    token is not stored and cannot be shown again. ``gemeenten`` (CBS codes): the gemeenten it
    delivers to, added to those it had."""
    name = (name or "").strip()
    if not name:
        raise PartnerTokenError("Geef de naam van de partnerorganisatie.")
    if len(name) > PartnerOrganisation._meta.get_field("name").max_length:
        raise PartnerTokenError("De naam is te lang (hoogstens 200 tekens).")
    codes = sorted({(code or "").strip().upper() for code in gemeenten} - {""})
    tenants = list(Tenant.objects.filter(code__in=codes))
    unknown = sorted(set(codes) - {t.code for t in tenants})
    if unknown:
        raise PartnerTokenError(f"Geen aangesloten gemeente: {', '.join(unknown)}.")
    token = _new_token()
    partner = PartnerOrganisation.objects.select_for_update().filter(name=name).first()
    if partner is not None and not replace:
        raise PartnerTokenError(f"Partner '{name}' bestaat al. Gebruik --vervang voor een nieuw token.")
    replaced = partner is not None
    if partner is None:
        partner = PartnerOrganisation.objects.create(name=name, token_hash=PartnerOrganisation.hash_token(token))
    else:
        partner.token_hash = PartnerOrganisation.hash_token(token)
        partner.active = True
        partner.save(update_fields=["token_hash", "active"])
    if tenants:
        partner.gemeenten.add(*tenants)
    security_log.partner_token(partner, replaced=replaced)
    return partner, token


@transaction.atomic
def revoke(name: str) -> PartnerOrganisation:
    """Switch a partner's token off; its signals stay."""
    partner = PartnerOrganisation.objects.select_for_update().filter(name=(name or "").strip()).first()
    if partner is None:
        raise PartnerTokenError(f"Partner '{name}' bestaat niet.")
    partner.active = False
    partner.save(update_fields=["active"])
    security_log.partner_token(partner, revoked=True)
    return partner
