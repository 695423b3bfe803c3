"""Dependencies run one way (issue 15): the higher parts register with the lower ones, and the
import-linter contracts in pyproject.toml keep it so."""

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from meldpunt.cases import services as case_services
from meldpunt.cases.models import Casus, CasusSignal
from meldpunt.intake import hooks as intake_hooks
from meldpunt.intake import services as intake
from meldpunt.intake.models import DataRule, MentionedSubject, ReporterContact, Signal
from meldpunt.privacy.inzage import retention as inzage_retention
from meldpunt.privacy.retention import registry
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
