"""Recompute destruction dates when an input changes outside the protocol engine (which calls
dates.recompute_signal itself): a casus saved (closed, reopened, result class changed), a signal
linked to or unlinked from a casus, a result class or signal rule edited, a legal hold placed,
lifted or deleted. Receivers use queryset updates, so they never trigger each other."""

from django.db.models.signals import post_delete, post_save

from . import dates, registry
from .models import LegalHold, ResultClass, SignalRetentionRule


def _casus_saved(sender, instance, raw=False, **_kwargs):
    if raw:
        return
    dates.recompute_cases(sender.objects.filter(pk=instance.pk))
    instance.destroy_after = sender.objects.filter(pk=instance.pk).values_list("destroy_after", flat=True).first()


def _link_changed(sender, instance, raw=False, **_kwargs):
    Signal = registry.model(registry.SIGNAL)
    if raw:
        return
    dates.recompute_signals(Signal.objects.filter(pk=instance.signal_id))


def _result_class_saved(sender, instance, created=False, raw=False, **_kwargs):
    # A new default class has no records yet; a gemeente's own row (made or removed) changes its terms.
    if raw or (created and not instance.gemeente_id):
        return
    dates.recompute_result_class(instance)


def _rule_changed(sender, instance, raw=False, **_kwargs):
    Signal = registry.model(registry.SIGNAL)
    if raw:
        return
    signals = Signal.objects.filter(state=instance.state)
    if instance.gemeente_id:  # a gemeente's own rule: only its signals (ADR 0030 §7)
        signals = signals.filter(gemeente_id=instance.gemeente_id)
    dates.recompute_signals(signals)


def _hold_changed(sender, instance, raw=False, **_kwargs):
    if raw:
        return
    dates.recompute_hold_target(instance)


def connect() -> None:
    # RetentionConfig.ready: INSTALLED_APPS lists intake and cases first, so they have registered.
    Casus, CasusSignal = registry.model(registry.CASUS), registry.model(registry.CASUS_SIGNAL)
    post_save.connect(_casus_saved, sender=Casus, dispatch_uid="retention_casus_saved")
    post_save.connect(_link_changed, sender=CasusSignal, dispatch_uid="retention_link_saved")
    post_delete.connect(_link_changed, sender=CasusSignal, dispatch_uid="retention_link_deleted")
    post_save.connect(_result_class_saved, sender=ResultClass, dispatch_uid="retention_class_saved")
    post_delete.connect(_result_class_saved, sender=ResultClass, dispatch_uid="retention_class_deleted")
    post_save.connect(_rule_changed, sender=SignalRetentionRule, dispatch_uid="retention_rule_saved")
    post_delete.connect(_rule_changed, sender=SignalRetentionRule, dispatch_uid="retention_rule_deleted")
    post_save.connect(_hold_changed, sender=LegalHold, dispatch_uid="retention_hold_saved")
    # A hold deleted (in the admin, or a mistaken one removed) no longer blocks: recompute too.
    post_delete.connect(_hold_changed, sender=LegalHold, dispatch_uid="retention_hold_deleted")
