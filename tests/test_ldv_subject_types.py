"""Logboek Dataverwerkingen (ADR 0025): data subject types are URIs from a versioned register with
valid-from times, like the processing activities; a line keeps the version it was written under."""

from datetime import timedelta

import pytest
from django.db.models import Min
from django.utils import timezone

from meldpunt.accounts.roles import Role
from meldpunt.privacy import chain, ldv, log, register, trace
from meldpunt.privacy.models import DataSubjectType, ProcessingLogEntry, SubjectType, register_base

pytestmark = [pytest.mark.ldv, pytest.mark.django_db]

API = "/api/v1/logboek/verwerkingen"
BASE = "urn:nl:meldpunt-ondermijning:register/betrokkenetypen"


def write(bsn="123456782"):
    log.record("signaal_inzien", "signaal_beoordelen", [log.DataSubject(SubjectType.BSN, bsn)])
    return ProcessingLogEntry.objects.order_by("-seq").first()


def test_every_subject_type_has_version_1_valid_from_before_the_first_line():
    first = ProcessingLogEntry.objects.aggregate(first=Min("started_at"))["first"]
    versions = DataSubjectType.objects.filter(version=1)
    assert sorted(versions.values_list("code", flat=True)) == sorted(SubjectType.values)
    assert all(first is None or version.valid_from <= first for version in versions)
    assert register_base() + "/betrokkenetypen/bsn/1" == f"{BASE}/bsn/1"


def test_a_subject_type_change_is_a_new_version_and_old_lines_keep_the_old_one():
    old_version = register.subject_type_at("bsn")
    before = write()
    revised = register.revise_subject_type("bsn", description="Een natuurlijk persoon met een BSN, ook een "
                                                              "ingezetene die is overleden.")
    after = write()
    assert revised.version == old_version.version + 1 and revised.valid_from >= old_version.valid_from
    # The old version is unchanged; each line points at the version it was written under.
    assert DataSubjectType.objects.get(pk=old_version.pk).description == old_version.description
    assert ldv.record(before)["attributes"]["dpl.core.data_subject_id_type"] == f"{BASE}/bsn/{old_version.version}"
    assert ldv.record(after)["attributes"]["dpl.core.data_subject_id_type"] == f"{BASE}/bsn/{revised.version}"
    assert (before.subject_type_version, after.subject_type_version) == (old_version.version, revised.version)
    # Nothing changed: no new version; a change cannot start before the version it follows.
    assert register.revise_subject_type("bsn", description=revised.description).pk == revised.pk
    with pytest.raises(register.RegisterError):
        register.revise_subject_type("bsn", name="Persoon", valid_from=revised.valid_from - timedelta(days=1))
    with pytest.raises(register.RegisterError):
        register.revise_subject_type("bsn", uri="https://elders.example/")
    assert chain.verify(ProcessingLogEntry).ok


def test_a_subject_type_version_valid_from_later_applies_only_from_then():
    current = register.subject_type_at("kvk")
    later = register.revise_subject_type("kvk", name="Onderneming", valid_from=timezone.now() + timedelta(days=30))
    assert register.subject_type_at("kvk").pk == current.pk
    assert register.subject_type_at("kvk", timezone.now() + timedelta(days=31)).pk == later.pk
    log.record("signaal_inzien", "signaal_beoordelen", [log.DataSubject(SubjectType.KVK, "12345678")])
    assert ProcessingLogEntry.objects.order_by("-seq").first().subject_type_version == current.version


def test_a_line_from_before_the_register_exports_version_1_and_still_verifies():
    """Lines of format 2 (before migration 0005) have no subject type version: they were written
    under version 1, and they keep the hash they were written with."""
    context = trace.current()
    old = ProcessingLogEntry(
        format_version=2, trace_id=context.trace_id, span_id=trace.new_span_id(), action="signaal_inzien",
        started_at=timezone.now(), ended_at=timezone.now(), activity_code="signaal_beoordelen", activity_version=1,
        activity_uri=f"{register_base()}/verwerkingsactiviteiten/signaal_beoordelen/1", subject_type="bag",
        subject_pseudonym="a" * 64, foreign_processor="", action_parent_span_id="", resource_name="meldpunt",
        resource_version="1.0", subject_type_uri="")
    chain.append(ProcessingLogEntry, [old])
    register.revise_subject_type("bag", name="Adresseerbaar object (BAG-id)")
    stored = ProcessingLogEntry.objects.get(span_id=old.span_id)
    assert stored.subject_type_version is None and stored.subject_type_uri == ""
    assert ldv.record(stored)["attributes"]["dpl.core.data_subject_id_type"] == f"{BASE}/bag/1"
    assert chain.verify(ProcessingLogEntry).ok


def test_the_read_api_takes_the_subject_type_as_code_or_uri_of_any_version(client, make_user):
    client.force_login(make_user(Role.FG))
    line = write("999993653")
    revised = register.revise_subject_type("bsn", name="Natuurlijk persoon")
    for kind in ("bsn", f"{BASE}/bsn", f"{BASE}/bsn/1", f"{BASE}/bsn/{revised.version}"):
        response = client.get(API, {"dataSubjectId": "999993653", "dataSubjectIdType": kind})
        assert response.status_code == 200, (kind, response.content)
        assert line.span_id in {r["operation_id"] for r in response.json()["records"]}
    for kind in (f"{BASE}/bsn/99", f"{BASE}/paspoort/1", "https://elders.example/betrokkenetypen/bsn/1"):
        response = client.get(API, {"dataSubjectId": "999993653", "dataSubjectIdType": kind})
        assert response.status_code == 400, kind
        assert "dataSubjectIdType" in response.json()["detail"]


def test_editing_a_subject_type_in_the_admin_saves_a_new_version(client, make_user):
    admin = make_user(Role.BEHEERDER)
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    current = register.subject_type_at("intern")
    response = client.post(f"/beheer/admin/privacy/datasubjecttype/{current.pk}/change/",
                           {"name": current.name, "description": "Een andere omschrijving."})
    assert response.status_code == 302, response.content.decode()[:2000]
    current.refresh_from_db()
    assert current.description != "Een andere omschrijving."
    assert DataSubjectType.objects.filter(code="intern", version=current.version + 1,
                                          description="Een andere omschrijving.").exists()
    # The kinds come with a release and log lines point at every version: no adding, no removing.
    assert client.get("/beheer/admin/privacy/datasubjecttype/add/").status_code == 403
    assert client.get(f"/beheer/admin/privacy/datasubjecttype/{current.pk}/delete/").status_code == 403
