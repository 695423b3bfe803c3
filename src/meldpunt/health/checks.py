"""The checks behind the readiness probe, as django-health-check checks, and one run over them.

Readiness (``/gezondheid/gereed``): the database answers, Redis answers (when configured), the keys
outside the database are there, and both log chains' heads verify. The worker's heartbeat has its
own probe (``/gezondheid/werker``): a stopped worker must alert operations, not take the web
processes out of the load balancer. Every check is cheap: one query, one ping, a few file stats,
two head rows and two log lines; the full chain walk stays ``meldpunt log verify``.

Check messages are Dutch and hold no personal data or connection detail; only the beheerder's page
shows them, the public probes answer with a status alone.
"""

from __future__ import annotations

import asyncio
import dataclasses
import inspect
import logging
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from health_check.base import HealthCheck
from health_check.checks import Database
from health_check.exceptions import HealthCheckException, ServiceUnavailable

from meldpunt.core import keys
from meldpunt.privacy import chain
from meldpunt.privacy.models import ProcessingLogEntry, SecurityLogEntry
from meldpunt.tenancy.keys import active_slots

from . import heartbeat

logger = logging.getLogger(__name__)

IN_ORDER = "in orde"
NOT_IN_ORDER = "niet in orde"
NOT_CONFIGURED = "niet geconfigureerd"

# The keys outside the database (core.keys, privacy.chain): the setting that holds one, else its
# file in MELDPUNT_VAR_DIR. A missing file would be made anew on first use, and everything sealed
# or chained with the old key would no longer open or verify: so a missing one stops readiness.
# The installation's files: its keys (those of the home gemeente, slot "") and the log-chain key
# (the chains are the processor's control). Every other active gemeente's own keys are checked
# through its ring (ADR 0030 §5).
KEYS = (
    ("de versleutelsleutel", "MELDPUNT_ENCRYPTION_KEY", "encryption_key"),
    ("de pseudoniemsleutel", "MELDPUNT_PSEUDONYM_KEY", "pseudonym_key"),
    ("de sleutel van de logketens", "MELDPUNT_LOG_CHAIN_KEY", "log_chain_key"),
)


def _file_has_key(path: Path) -> bool:
    try:
        return path.is_file() and path.stat().st_size > 0
    except OSError:
        return False


@dataclasses.dataclass
class KeysPresent(HealthCheck):
    def run(self) -> None:
        var_dir = Path(settings.VAR_DIR)
        missing = [label for label, setting, filename in KEYS
                   if not getattr(settings, setting, "") and not _file_has_key(var_dir / filename)]
        for naam, slot in active_slots():
            if slot:  # slot "": the installation's files above
                missing += [f"de {label} van {naam}" for label in keys.ring(slot).missing()]
        if missing:
            raise ServiceUnavailable(f"Ontbreekt: {', '.join(missing)}.")


@dataclasses.dataclass
class LogChainHeads(HealthCheck):
    def run(self) -> None:
        names = {ProcessingLogEntry: "verwerkingslog", SecurityLogEntry: "beveiligingslog"}
        # Every chain: the processing log has one per gemeente (ADR 0030 §6).
        problems = [f"{names[model]}{'' if name == model.CHAIN else f' ({name})'}: {problem}"
                    for model in names for name in chain.chains(model)
                    if (problem := chain.head_problem(model, name))]
        if problems:
            raise ServiceUnavailable(" ".join(problems))


@dataclasses.dataclass
class WorkerHeartbeat(HealthCheck):
    max_age_seconds: int = 180

    def run(self) -> None:
        age = heartbeat.age_seconds()
        if age is None:
            raise ServiceUnavailable("Er is nog geen hartslag van een werker ontvangen.")
        if age > self.max_age_seconds:
            raise ServiceUnavailable(f"De laatste hartslag van een werker is {int(age)} seconden oud "
                                     f"(grens {self.max_age_seconds}).")


def _redis() -> HealthCheck:
    # Imported here: the redis client is only needed when Redis is configured.
    from health_check.contrib.redis import Redis
    from redis.asyncio import Redis as RedisClient

    url = settings.MELDPUNT_REDIS_URL
    return Redis(client_factory=lambda: RedisClient.from_url(url, socket_connect_timeout=2, socket_timeout=2))


@dataclasses.dataclass(frozen=True)
class Probe:
    name: str
    configured: Callable[[], bool]
    make: Callable[[], HealthCheck]
    # What the beheerder reads when this check fails (the library's own messages are English).
    failure: str = ""


READINESS = (
    Probe("Database", lambda: True, Database, "De database antwoordt niet."),
    Probe("Redis", lambda: bool(settings.MELDPUNT_REDIS_URL), _redis, "Redis antwoordt niet."),
    Probe("Sleutels buiten de database", lambda: True, KeysPresent),
    Probe("Koppen van de logketens", lambda: True, LogChainHeads),
)
WORKER = (
    Probe("Hartslag van de werker", lambda: settings.MELDPUNT_WORKER_EXPECTED,
          lambda: WorkerHeartbeat(max_age_seconds=settings.MELDPUNT_WORKER_HEARTBEAT_MAX_SECONDS)),
)


@dataclasses.dataclass(frozen=True)
class Outcome:
    name: str
    state: str
    explanation: str = ""

    @property
    def failed(self) -> bool:
        return self.state == NOT_IN_ORDER


def _run_one(probe: Probe) -> Outcome:
    if not probe.configured():
        return Outcome(probe.name, NOT_CONFIGURED)
    check = probe.make()
    try:
        # In the request's own thread (and database connection); an async check (Redis) gets a
        # short event loop of its own. The checks' clients carry their own time-outs.
        if inspect.iscoroutinefunction(check.run):
            asyncio.run(check.run())
        else:
            check.run()
    except HealthCheckException as error:
        logger.warning("Gezondheidscontrole %s: niet in orde", probe.name)
        return Outcome(probe.name, NOT_IN_ORDER, probe.failure or error.message)
    except Exception:
        logger.exception("Gezondheidscontrole %s: onverwachte fout", probe.name)
        return Outcome(probe.name, NOT_IN_ORDER, probe.failure or "Onverwachte fout; zie het applicatielog.")
    return Outcome(probe.name, IN_ORDER)


def run(probes=READINESS) -> list[Outcome]:
    return [_run_one(probe) for probe in probes]
