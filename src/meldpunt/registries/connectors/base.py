"""The connector interface used by source research (hit/no-hit first, then approved fields)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from enum import StrEnum

from meldpunt.core import identifiers
from meldpunt.registries.errors import ConnectorError, FieldNotAllowed, NoHit, UnsupportedSubject  # noqa: F401


class SubjectKind(StrEnum):
    PERSOON = "persoon"  # identified by BSN
    ONDERNEMING = "onderneming"  # identified by KvK-nummer
    ADRES = "adres"  # identified by BAG nummeraanduiding-id


_PARSERS = {
    SubjectKind.PERSOON: identifiers.parse_bsn,
    SubjectKind.ONDERNEMING: identifiers.parse_kvk_nummer,
    SubjectKind.ADRES: lambda value: identifiers.parse_bag_id(value, "nummeraanduiding"),
}


@dataclass(frozen=True)
class Subject:
    """Who or what a question to a registry is about. The identifier is validated on creation."""

    kind: SubjectKind
    identifier: str

    def __post_init__(self):
        kind = SubjectKind(self.kind)
        object.__setattr__(self, "kind", kind)
        object.__setattr__(self, "identifier", _PARSERS[kind](self.identifier))


class RegistryConnector(ABC):
    """One registry. ``hit`` says only whether it has something; ``details`` returns exactly
    the fields asked for (data minimisation), each one from ``allowed_fields``."""

    source: str
    label: str
    subject_kinds: frozenset[SubjectKind]
    allowed_fields: dict[SubjectKind, tuple[str, ...]]

    def supports(self, subject: Subject) -> bool:
        return subject.kind in self.subject_kinds

    def _check(self, subject: Subject) -> None:
        if not self.supports(subject):
            raise UnsupportedSubject(
                f"De bron {self.label} kan niets zeggen over een {subject.kind.value}."
            )

    def check_fields(self, subject: Subject, fields: list[str] | tuple[str, ...]) -> tuple[str, ...]:
        self._check(subject)
        if not fields:
            raise FieldNotAllowed("Kies ten minste één gegeven om op te vragen.")
        allowed = self.allowed_fields[subject.kind]
        unknown = [f for f in fields if f not in allowed]
        if unknown:
            raise FieldNotAllowed(
                f"De bron {self.label} levert deze gegevens niet: {', '.join(unknown)}. "
                f"Mogelijk zijn: {', '.join(allowed)}."
            )
        return tuple(dict.fromkeys(fields))

    def hit(self, subject: Subject) -> bool:
        self._check(subject)
        return self._hit(subject)

    def details(self, subject: Subject, fields: list[str] | tuple[str, ...]) -> dict:
        wanted = self.check_fields(subject, fields)
        record = self._details(subject, wanted)
        if record is None:
            raise NoHit(f"De bron {self.label} heeft niets over dit {subject.kind.value}.")
        # Never hand out more than was asked, whatever the implementation returned.
        return {field: record[field] for field in wanted}

    @abstractmethod
    def _hit(self, subject: Subject) -> bool: ...

    @abstractmethod
    def _details(self, subject: Subject, fields: tuple[str, ...]) -> dict | None: ...
