"""Words, not codes: one Dutch date format (and number format: ``getal``) everywhere a person looks.

``datum`` gives ``7 december 2026``, ``datumtijd`` gives ``7 december 2026 14:05``, ``datum_kort`` gives
``7 dec. 2026`` (tables) and ``datumtijd_kort`` gives ``7 dec. 2026 14:05``. The month names are written
in core/datums.py, so the output does not depend on the active locale. Registered as template builtins (settings), so
templates need no ``{% load %}``.
"""

import datetime
import re

from django import template
from django.utils.html import format_html, format_html_join

from meldpunt.accounts.roles import Role
from meldpunt.core.datums import format_date, format_month
from meldpunt.core.getallen import format_number
from meldpunt.protocol import sources

register = template.Library()


@register.filter
def datum(value):
    """``7 december 2026``; empty for no date."""
    return format_date(value)


@register.filter
def datumtijd(value):
    """``7 december 2026 14:05`` (time only for a moment, not for a plain date)."""
    return format_date(value, with_time=True)


@register.filter
def datum_kort(value):
    """``7 dec. 2026`` for tables."""
    return format_date(value, short=True)


@register.filter
def datumtijd_kort(value):
    """``7 dec. 2026 14:05`` for tables."""
    return format_date(value, short=True, with_time=True)


@register.filter
def tijdstip(value):
    """``7 dec. 2026 14:05:09`` for log tables, where the second matters."""
    return format_date(value, short=True, with_time=True, seconds=True)


@register.filter
def maand(value):
    """``december 2026`` for a month (``2026-12`` in a CSV)."""
    return format_month(value)


@register.filter
def getal(value, decimals=None):
    """``1.234.567``, ``1.234,5``: Dutch thousands and decimal comma (``|getal:1`` for one decimal);
    text such as a dash or a suppressed '<5' stays as it is."""
    return format_number(value, None if decimals in (None, "") else int(decimals))


@register.filter
def naam(user):
    """A person's full name; the user name only when no name is set."""
    if user is None or user == "":
        return ""
    full = user.get_full_name() if hasattr(user, "get_full_name") else ""
    return full or str(user)


@register.filter
def label(value, labels):
    """The display name of a code from a label map (``{{ s.state|label:state_labels }}``)."""
    return labels.get(value, value) if hasattr(labels, "get") else value


# Keys inside structured registry details (lists of dicts from a connector), as people say them.
DETAIL_KEYS = {
    "burgerservicenummer": "BSN", "naam": "naam", "functie": "functie", "datumAanvang": "sinds",
    "datumEinde": "tot", "kvkNummer": "KvK-nummer", "adres": "adres", "postcode": "postcode",
    "vestigingsnummer": "vestigingsnummer", "handelsnaam": "handelsnaam", "soort": "soort",
    "datumVerlening": "verleend op", "peildatum": "peildatum", "waarde": "waarde", "omschrijving": "omschrijving",
}
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _key_label(key) -> str:
    key = str(key)
    if key in DETAIL_KEYS:
        return DETAIL_KEYS[key]
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", key).replace("_", " ").lower()


def _plain(value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, datetime.date):
        return datum(value)
    if isinstance(value, str) and ISO_DATE.match(value):
        try:
            return datum(datetime.date.fromisoformat(value))
        except ValueError:
            return value
    if isinstance(value, dict):
        return "; ".join(f"{_key_label(k)}: {_plain(v)}" for k, v in value.items() if v not in (None, ""))
    if isinstance(value, list | tuple):
        return ", ".join(_plain(v) for v in value)
    return str(value)


@register.filter
def gegeven(value):
    """A registry detail as people read it: a list of records becomes a list, a record ``naam: …;
    functie: …``, an ISO date ``7 december 2026``, never a Python repr."""
    if isinstance(value, list | tuple) and value and any(isinstance(v, dict) for v in value):
        return format_html('<ul class="utrecht-unordered-list">{}</ul>', format_html_join(
            "", '<li class="utrecht-unordered-list__item">{}</li>', ((_plain(v),) for v in value)))
    if isinstance(value, list | tuple) and not value:
        return "geen"
    return _plain(value)


@register.filter
def veldlabels(detail_request) -> str:
    """The approved fields of a detail request as the source names them (``Woonadres``), never the
    field path (``verblijfplaats.adres``)."""
    hit = detail_request.hit
    labels = hit.request.source.field_labels(sources.detail_kind(hit.subject, hit.request.source))
    return ", ".join(labels.get(f, _key_label(f)) for f in detail_request.approved_fields or [])


@register.filter
def rol(codes) -> str:
    """Role codes (``teamlid,regisseur``) as their names."""
    names = dict(Role.choices)
    return ", ".join(str(names.get(c, c)) for c in str(codes or "").split(",") if c)


@register.filter
def handeling(code) -> str:
    """A logged action code (``signaal_inzien``) as words (``Signaal inzien``)."""
    text = str(code or "").replace("_", " ").strip()
    return text[:1].upper() + text[1:]


CONDITION = re.compile(r"^verplicht (bij [^.:;]+)", re.I)


@register.filter
def verplicht(bound_field) -> str:
    """The note after an optional field's label: ``verplicht bij toestaan`` when its help text says
    when it is required (the form checks that), otherwise ``niet verplicht``; empty when required."""
    if bound_field.field.required:
        return ""
    match = CONDITION.match(str(bound_field.help_text or ""))
    return f"verplicht {match.group(1).strip()}" if match else "niet verplicht"
