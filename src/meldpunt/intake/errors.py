"""Intake's refusals (subclasses of meldpunt.core.errors)."""

from meldpunt.core.errors import InvalidInput, MeldpuntError


class IntakeError(InvalidInput):
    """Bad input: ``field_errors`` maps a field name to Dutch messages. Nothing was written."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__(field_errors=errors)


class AttachmentError(InvalidInput):
    """An attachment that is refused; the message is Dutch."""


class PartnerTokenError(MeldpuntError):
    """A token could not be issued; the message is Dutch and meant for the operator."""


class ExportTooLarge(MeldpuntError):
    """The export has more rows than allowed; the message is Dutch."""


class BulkImportError(InvalidInput):
    """The file was refused; ``problems`` lists every reason with its line. Nothing was stored."""

    MAX_REPORTED = 200  # problems listed as field errors; the summary always gives the total

    def __init__(self, problems: list, *, unit: str = "regel", rows: int = 0):
        self.problems = problems
        self.unit = unit  # "regel" (CSV) or "item" (JSON)
        self.rows = rows
        field_errors: dict[str, list[str]] = {}
        for problem in problems[:self.MAX_REPORTED]:
            field_errors.setdefault(problem.label(unit), []).append(problem.message)
        super().__init__(self.summary(), field_errors=field_errors)

    def summary(self) -> str:
        lines = {p.line for p in self.problems if p.line}
        if not lines:
            return f"Het bestand is niet ingelezen: {self.problems[0].message} Er is niets opgeslagen."
        count = len(self.problems)
        errors = "1 fout" if count == 1 else f"{count} fouten"
        where = f"1 {self.unit}" if len(lines) == 1 else f"{len(lines)} {self.unit}s"
        return f"Het bestand is niet ingelezen: {errors} in {where}. Er is niets opgeslagen."

    def report(self) -> list[str]:
        """The problems as Dutch lines, e.g. ``regel 3: omschrijving: ...``."""
        return [f"{p.label(self.unit)}: {p.message}" for p in self.problems]
