"""Dependencies run one way (issue 15): the higher parts register with the lower ones, and the
import-linter contracts in pyproject.toml keep it so."""

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from meldpunt.cases import minutes_retention
from meldpunt.cases import retention as casus_retention
from meldpunt.cases import services as case_services
from meldpunt.cases.models import Casus, CasusSignal
from meldpunt.intake import hooks as intake_hooks
from meldpunt.intake import import_uploads
from meldpunt.intake import retention as signal_retention
from meldpunt.intake import services as intake
from meldpunt.intake.models import DataRule, MentionedSubject, ReporterContact, Signal
from meldpunt.jobs import retention as jobs_retention
from meldpunt.notifications import retention as notification_retention
from meldpunt.privacy.inzage import retention as inzage_retention
from meldpunt.privacy.retention import destroy_hooks, jobs, registry
from meldpunt.privacy.retention.models import AppliesTo
from meldpunt.protocol import hooks
from meldpunt.protocol import services as protocol
from meldpunt.protocol.research import services as research
from meldpunt.protocol.transitions import SIGNAL_TRANSITIONS, SignalState

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import count_function_imports  # noqa: E402


def test_cases_registers_that_w4_casus_opens_a_casus():
    # casus_koppelen (service_only) joins an existing casus through join_casus: no effect of its own.
    opening = [t.code for t in SIGNAL_TRANSITIONS if t.target == SignalState.CASUS and not t.service_only]
    assert opening == ["hits_casus"]
    assert hooks._effects["hits_casus"] == [case_services.open_from_signal]
    assert not any(hooks.has_effect(t.code) for t in SIGNAL_TRANSITIONS if t.code != "hits_casus")


def test_research_registers_that_w4_waits_for_open_source_requests():
    out_of_research = [t.code for t in SIGNAL_TRANSITIONS if t.source == SignalState.BRONNENONDERZOEK]
    assert out_of_research
    for code in [*out_of_research, protocol.JOIN_CASUS]:
        assert hooks._guards[code] == [research.open_problems], code
    assert not any(hooks._guards.get(t.code) for t in SIGNAL_TRANSITIONS
                   if t.source != SignalState.BRONNENONDERZOEK)


def test_registering_twice_keeps_one():
    def guard(signal):
        return ["nee"]

    try:
        hooks.register_guard("test_stap", guard)
        hooks.register_guard(["test_stap"], guard)
        assert hooks.guard_problems("test_stap", None) == ["nee"]
    finally:
        hooks._guards.pop("test_stap", None)


def test_the_protocol_starts_the_history_of_a_new_signal():
    assert intake_hooks._received == [protocol.start_history]


@pytest.mark.django_db
def test_a_signal_is_not_registered_outside_the_protocol(monkeypatch):
    """Without the protocol's hook a new signal would have no state and no history: refused, and
    the transaction leaves nothing behind."""
    monkeypatch.setattr(intake_hooks, "_received", [])
    before = Signal.objects.count()
    with pytest.raises(RuntimeError):
        intake.create_signal(intake.SignalInput(channel="webformulier", description="Loods met veel verkeer 's nachts.",
                                                phenomenon="hennepteelt_drugs"))
    assert Signal.objects.count() == before


def test_intake_cases_and_inzage_register_with_retention():
    assert registry.model(registry.SIGNAL) is Signal
    assert registry.model(registry.REPORTER_CONTACT) is ReporterContact
    assert registry.model(registry.MENTIONED_SUBJECT) is MentionedSubject
    assert registry.model(registry.CASUS) is Casus
    assert registry.model(registry.CASUS_SIGNAL) is CasusSignal
    assert registry._requested[registry.SIGNAL] == [inzage_retention.requested_signals]
    assert registry._requested[registry.CASUS] == [inzage_retention.requested_cases]
    assert registry.recomputers(AppliesTo.INZAGE) == [inzage_retention.recompute]
    with pytest.raises(LookupError):
        registry.model("onbekend")
    with pytest.raises(ValueError):
        registry.register_model(registry.SIGNAL, Casus)


def test_intake_and_cases_register_the_sources_of_their_dates():
    """Retention reads a signal's state_since and a casus' closed_at and result class only through
    what intake and cases registered (issue 15)."""
    assert registry._sources[registry.SIGNAL] is signal_retention.signal_sources
    assert registry._sources[registry.CASUS] is casus_retention.casus_sources
    with pytest.raises(LookupError):
        registry.sources("onbekend", [1])
    with pytest.raises(ValueError):
        registry.register_sources(registry.SIGNAL, casus_retention.casus_sources)
    dates_source = (ROOT / "src" / "meldpunt" / "privacy" / "retention" / "dates.py").read_text()
    for field in ("state_since", "closed_at", "result_class__"):
        assert f'"{field}' not in dates_source, field


def test_cases_and_inzage_register_their_daily_tasks_and_destroy_hooks():
    assert registry.daily_tasks() == [(jobs_retention.TASK, jobs_retention.daily),
                                      (minutes_retention.TASK, minutes_retention.daily),
                                      ("importbestanden", import_uploads.prune),
                                      (inzage_retention.TASK, inzage_retention.daily),
                                      (notification_retention.TASK, notification_retention.daily)]
    assert minutes_retention.forget_meetings in destroy_hooks._before_purge
    assert notification_retention.forget_destroyed in destroy_hooks._hooks
    with pytest.raises(ValueError):
        registry.register_daily_task(minutes_retention.TASK, inzage_retention.daily)
    # retention no longer holds the minutes: they live (and register) in cases.
    assert not (ROOT / "src" / "meldpunt" / "privacy" / "retention" / "minutes.py").exists()


@pytest.mark.django_db
def test_the_daily_job_reports_every_registered_task_in_name_order(monkeypatch):
    calls = []

    def task(name):
        def run(dry_run, today=None):
            calls.append((name, dry_run))
            return f"Taak {name}: {'proef' if dry_run else 'gedaan'}."
        return run

    monkeypatch.setattr(registry, "_daily_tasks", {"b_taak": task("b"), "a_taak": task("a")})
    lines = jobs.run(dry_run=True).lines
    assert calls == [("a", True), ("b", True)]
    assert lines.index("Taak a: proef.") + 1 == lines.index("Taak b: proef.")
    assert "Taak b: gedaan." in jobs.run().lines
    assert calls[-1] == ("b", False)


def test_a_data_rule_validates_without_the_rule_runner():
    """DataRule.clean uses the leaf rule_schemas, not rules.py (which writes signals)."""
    tree = ast.parse((ROOT / "src" / "meldpunt" / "intake" / "rule_schemas.py").read_text())
    imported = {node.module if isinstance(node, ast.ImportFrom) and not node.level else "." for node in ast.walk(tree)
                if isinstance(node, ast.ImportFrom)}
    assert imported <= {"__future__", "dataclasses", "django.core.exceptions", "meldpunt.core.stigmatising"}
    rule = DataRule(code="x", kind="overbewoning", name="Herkomst bewoners", legal_basis="Gemeentewet",
                    parameters={})
    with pytest.raises(Exception) as refused:
        rule.clean()
    assert "P7" in str(refused.value)


def test_imports_inside_functions_say_why():
    """Imports inside functions hide a dependency: only where a comment says why."""
    root = ROOT / "src" / "meldpunt"
    bare = [f"{path.relative_to(root.parent)}:{line} {target}"
            for path in root.rglob("*.py") if "migrations" not in path.parts
            for _module, line, target, commented in count_function_imports.function_imports(path, root)
            if not commented]
    assert bare == []


@pytest.mark.skipif(shutil.which("lint-imports", path=str(Path(sys.executable).parent)) is None,
                    reason="import-linter is in requirements-dev.txt")
def test_the_import_contracts_hold():
    result = subprocess.run(  # noqa: S603 (fixed arguments)
        [str(Path(sys.executable).parent / "lint-imports"), "--no-cache"], cwd=ROOT, capture_output=True, text=True,
        env={"PYTHONPATH": str(ROOT / "src"), "PATH": str(Path(sys.executable).parent)}, timeout=120)
    assert result.returncode == 0, result.stdout[-3000:]
    assert "0 broken" in result.stdout
