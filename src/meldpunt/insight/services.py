"""Writes of the ondermijningsbeeld: a new snapshot (on demand or on schedule).

A run exports the minimised app data to a temporary folder, runs the pipeline, seals the cell
file (read-only, SHA-256), compares it with the previous snapshot and records the snapshot row
in one transaction. A snapshot is never changed afterwards (models.Snapshot refuses it).
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from meldpunt import policy

from . import conf, diffing, extract, pipeline, selectors, storage
from . import scope as scopes
from .models import Snapshot, Trigger
from .sources import SourceSet

SOURCE_DESCRIPTIONS = {
    "gemeenten": "CBS-gemeenten (gebiedsindeling)",
    "wijken": "CBS-wijken",
    "buurten": "CBS-buurten met Kerncijfers wijken en buurten 2024 en misdrijven (Politie via CBS)",
    "verblijfsobjecten": "BAG-verblijfsobjecten (oppervlakte, gebruiksdoel, buurt, straat)",
    "inschrijvingen": "BRP-inschrijvingen per adres (alleen volwassen ja/nee)",
    "vestigingen": "NHR-vestigingen (adres, SBI, start- en einddatum)",
    "woz": "WOZ-waarden per verblijfsobject",
    "overdrachten": "Kadaster-eigendomsoverdrachten (datum, koopsom)",
    "signalen": "Signalen van het meldpunt (datum, kanaal, fenomeen, buurt, stap)",
    "casussen": "Casussen (startdatum, stap, buurt en fenomeen van het eerste signaal)",
    "interventies": "Interventies (instrument, datum)",
}


# The application's own tables are what the cells count: their row counts are totals over the
# years (and buurten) of published cells, so one of them would give a hidden year away (P6).
COUNTED_TABLES = ("signalen", "casussen", "interventies")


def _next_version(scope: scopes.Scope) -> int:
    return (Snapshot.objects.filter(scope.snapshots()).aggregate(m=Max("version"))["m"] or 0) + 1


def _scope(gemeente, regio) -> scopes.Scope:
    if regio is not None:
        return scopes.of_regio(regio)
    if gemeente is not None:
        return scopes.of_gemeente(gemeente)
    found = scopes.default()
    if found is None:
        raise PermissionDenied("Deze installatie werkt nog voor geen enkele gemeente: er is geen beeld te maken.")
    return found


def _previous_cells(previous: Snapshot | None) -> tuple[Path | None, bool]:
    """The previous snapshot's cell file, whose "te bekijken" statements carry over where nothing
    published changed (ADR 0026 part 9), and whether to withhold the statements: when the file
    fails its check nothing can be carried over, and fresh statements could be differenced."""
    if previous is None:
        return None, False
    try:
        return storage.verified_path(previous), False
    except storage.SnapshotFileError:
        return None, True


def regenerate(*, user=None, trigger: str = Trigger.ON_DEMAND, reference_date: date | None = None,
               progress: Callable[[str], None] | None = None, gemeente=None, regio=None) -> Snapshot:
    """Make a new snapshot from the application's current data. ``user`` None means the system
    (command line or scheduler); a person needs the ondermijningsbeeld page right.

    Scope (ADR 0030 §11): ``regio`` makes the regio's one snapshot; ``gemeente`` the gemeente's —
    or its regio's, when it is in one; neither: the installation's home gemeente (or its regio)."""
    if user is not None and not policy.may_open(user, "beeld_maken"):
        raise PermissionDenied("U mag het ondermijningsbeeld niet opnieuw laten berekenen.")
    started = time.perf_counter()
    scope = _scope(gemeente, regio)
    reference_date = reference_date or timezone.localdate()
    version = _next_version(scope)
    target_dir = conf.snapshot_dir()
    target_dir.mkdir(parents=True, exist_ok=True)
    label = f"{scope.regio.code}-" if scope.regio else f"{scope.gemeente.code.lower()}-"
    cells_file = f"beeld-{label}v{version:04d}-{timezone.now():%Y%m%d%H%M%S}.parquet"
    previous = Snapshot.objects.filter(scope.snapshots()).order_by("-version").first()
    previous_cells, withhold_set = _previous_cells(previous)
    with tempfile.TemporaryDirectory(prefix="beeld-") as tmp:
        if progress:
            progress("gegevens uit de database (geminimaliseerd)")
        counts = extract.export_app_data(Path(tmp), reference_date, scope.codes)
        source = SourceSet(Path(tmp), "csv", reference_date, "snapshot-export van de applicatie")
        result = pipeline.run(source, target_dir / cells_file, selectors.hotspot_weights(), progress=progress,
                              threads=conf.threads(), memory_limit=conf.memory_limit(), temp_dir=Path(tmp) / "duckdb",
                              regio=scope.regio.code if scope.regio else None,
                              previous=previous_cells, withhold_set=withhold_set)
    sha = storage.seal(result.cells_path)
    diff = {}
    if previous is not None:
        if progress:
            progress("vergelijken met de vorige versie")
        try:
            diff = diffing.compare(storage.verified_path(previous), result.cells_path, previous.version)
        except storage.SnapshotFileError as error:
            diff = {"vorige_versie": previous.version, "fout": str(error)}
    sources = [{"tabel": name, "omschrijving": SOURCE_DESCRIPTIONS.get(name, name),
                "rijen": None if name in COUNTED_TABLES else n,
                "peildatum": reference_date.isoformat()} for name, n in counts.items()]
    try:
        with transaction.atomic():
            return Snapshot.objects.create(
                **scope.fields(), version=version, created_at=timezone.now(), trigger=trigger,
                reference_date=reference_date, area_year=result.area_year, periods=result.periods,
                sources=sources, method=pipeline.METHOD, pipeline_version=pipeline.PIPELINE_VERSION,
                cells_file=cells_file, cells_sha256=sha, cell_count=result.cell_count,
                suppressed_primary=result.primary, suppressed_secondary=result.secondary,
                summary={"totalen": result.totals, "hotspots": result.hotspots, "stappen": result.steps,
                         "afschermrondes": result.rounds},
                diff=diff, seconds=round(time.perf_counter() - started, 3),
            )
    except IntegrityError:
        # Another run took this version number first: keep the database and the files consistent.
        result.cells_path.chmod(0o600)
        result.cells_path.unlink(missing_ok=True)
        raise


def period_start(schedule: str, now: datetime) -> datetime | None:
    """The start of the current schedule period; a snapshot made after it means 'not due'."""
    local = timezone.localtime(now)
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    if schedule == "uit":
        return None
    if schedule == "dagelijks":
        return midnight
    if schedule == "wekelijks":
        return midnight - timedelta(days=midnight.weekday())
    if schedule == "maandelijks":
        return midnight.replace(day=1)
    if schedule == "kwartaal":
        return midnight.replace(day=1, month=(midnight.month - 1) // 3 * 3 + 1)
    raise ValueError(schedule)


def is_due(now: datetime | None = None) -> bool:
    start = period_start(conf.schedule(), now or timezone.now())
    if start is None:
        return False
    return not Snapshot.objects.filter(trigger=Trigger.SCHEDULE, created_at__gte=start).exists()


def run_due(now: datetime | None = None, progress: Callable[[str], None] | None = None) -> Snapshot | None:
    """The scheduled job (idempotent): make a snapshot when none was made by schedule in the
    current period (MELDPUNT_BEELD_SCHEDULE), else do nothing and return None."""
    if not is_due(now):
        return None
    # With a peildatum (`--peildatum`) the snapshot counts as of that day, not the real today.
    return regenerate(trigger=Trigger.SCHEDULE, progress=progress,
                      reference_date=timezone.localdate(now) if now is not None else None)
