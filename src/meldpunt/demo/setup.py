"""Set the installation up for one of the 342 gemeenten: one service for `meldpunt setup
--gemeente` and the functioneel beheerder's page (Beheer › Gemeente).

An installation holds the registry data of one gemeente. Setting a gemeente generates a
synthetic municipality on that gemeente's real CBS geography, loads it and computes a first
ondermijningsbeeld, so the beeld, its maps and the CBS comparison show that gemeente. It only
works on an installation without registry data: data of another gemeente is never mixed in or
thrown away from a web page (switching is a new installation, ADR 0026).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied

from meldpunt import policy
from meldpunt.demo import loader
from meldpunt.demo.errors import GemeenteSetupError
from meldpunt.demo.generator.build import build, gemeente_inwoners
from meldpunt.insight import kerncijfers
from meldpunt.insight import services as insight_services
from meldpunt.registries.models import Gemeente
from meldpunt.tenancy.home import configured_code
from meldpunt.tenancy.models import Tenant


@dataclass(frozen=True)
class SetupResult:
    code: str
    naam: str
    rows: int
    snapshot_version: int


def loaded_gemeente() -> tuple[str, str] | None:
    """(code, name) of the gemeente whose registry data is in the database, or None when empty."""
    gemeente = Gemeente.objects.order_by("code").first()
    return (gemeente.code, gemeente.naam) if gemeente else None


def gemeente_choices() -> list[tuple[str, str]]:
    """The 342 gemeenten of the CBS indeling 2024 by name (with the provincie where names repeat)."""
    areas = sorted(kerncijfers.gemeenten().values(), key=lambda area: area.naam)
    return [(area.code, f"{area.naam} ({area.provincie})") for area in areas]


def setup_gemeente(code: str, *, user=None, size: str = "S", seed: int = 479,
                   progress: Callable[[str], None] | None = None,
                   after_load: Callable[[], None] | None = None) -> SetupResult:
    """Generate and load a synthetic municipality for gemeente ``code`` and compute its first beeld.
    ``user`` None is the system (the command line); a person needs the beheer page. ``after_load``
    runs between loading and the beeld (the command makes its demo users and their work there)."""
    if user is not None and not (policy.may_open(user, "beheer") and policy.may_change(user, "beheer")):
        raise PermissionDenied("Alleen de functioneel beheerder stelt de gemeente in.")
    code = (code or "").strip().upper()
    try:
        gemeente_inwoners(code)
    except ValueError as error:
        raise GemeenteSetupError(str(error)) from error
    naam = kerncijfers.gemeente(code).naam
    present = loaded_gemeente()
    if present is not None:
        raise GemeenteSetupError(
            f"Er staan al registratiegegevens van {present[1]} in deze installatie. {naam} instellen kan alleen "
            "in een lege installatie (een nieuwe database); de gegevens van "
            f"{present[1]} worden niet gemengd of weggegooid.")
    # The loaded gemeente becomes the home tenant (meldpunt.tenancy.home): it must be the configured
    # one, refused here before minutes of generating rather than by the loader afterwards.
    configured = configured_code() or getattr(Tenant.objects.filter(key_slot="").first(), "code", "")
    if configured and configured != code:
        raise GemeenteSetupError(f"Deze installatie is ingesteld voor {kerncijfers.gemeente(configured).naam}, niet "
                                 f"voor {naam}. Kies dezelfde gemeente, of zet MELDPUNT_GEMEENTE op {code} in een "
                                 "nieuwe installatie; er is niets gewijzigd.")
    suffix = "" if code == "GM0479" else f"-{code}"
    out = Path(settings.VAR_DIR) / "generated" / f"{size}-{seed}{suffix}"
    if progress:
        progress(f"Synthetische gemeente {naam} maken")
    build(size, out, seed=seed, gemeente=code)
    if progress:
        progress("In de database laden")
    counts = loader.load(out)
    if after_load:
        after_load()
    if progress:
        progress("Eerste ondermijningsbeeld berekenen")
    snapshot = insight_services.regenerate(progress=progress)
    return SetupResult(code, naam, sum(counts.values()), snapshot.version)
