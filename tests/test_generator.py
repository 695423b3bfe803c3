"""The synthetic municipality: deterministic per seed, valid test-range identifiers, real CBS
geography, and planted patterns that really are in the loaded database."""

import json
from datetime import date, timedelta

import duckdb
import pytest
from django.db.models import Count

from meldpunt.core.identifiers import elfproef
from meldpunt.demo.generator import vocabulary as voc
from meldpunt.demo.generator.build import TABLES, bsn_for_index, bsn_sql, build
from meldpunt.demo.generator.patterns import CLUSTER_SBI, PATTERN_PHENOMENA
from meldpunt.demo.generator.sizes import REFERENCE_DATE, SIZES
from meldpunt.intake.models import Signal
from meldpunt.registries import models as m

PATTERNS = ["overbewoning", "bedrijvencluster", "risicobranche_straat", "abc_doorverkoop"]
SYNTHETIC = ["nummeraanduidingen", "personen", "ondernemingen", "vestigingen", "functionarissen",
             "woz", "overdrachten", "signalen"]
GEOGRAPHY = ["gemeenten", "wijken", "buurten", "sbi"]


@pytest.fixture(scope="module")
def duck(generated_s):
    con = duckdb.connect()
    for name in TABLES:
        con.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet('{generated_s.out_dir / name}.parquet')")
    yield con
    con.close()


def _differences(a_dir, b_dir, table) -> int:
    con = duckdb.connect()
    try:
        a, b = f"read_parquet('{a_dir / table}.parquet')", f"read_parquet('{b_dir / table}.parquet')"
        return con.execute(
            f"SELECT (SELECT count(*) FROM (SELECT * FROM {a} EXCEPT ALL SELECT * FROM {b})) "
            f"+ (SELECT count(*) FROM (SELECT * FROM {b} EXCEPT ALL SELECT * FROM {a}))"
        ).fetchone()[0]
    finally:
        con.close()


# ------------------------------------------------------------------------- determinism


def test_same_seed_gives_identical_data(generated_s, tmp_path):
    again = build("S", tmp_path / "again", seed=generated_s.seed)
    assert again.counts == generated_s.counts
    for table in TABLES:
        assert generated_s.counts[table] > 0, table
        assert _differences(generated_s.out_dir, again.out_dir, table) == 0, table
    first = json.loads((generated_s.out_dir / "ground_truth.json").read_text())
    second = json.loads((again.out_dir / "ground_truth.json").read_text())
    assert first == second


def test_other_seed_gives_other_data(generated_s, tmp_path):
    other = build("S", tmp_path / "other", seed=generated_s.seed + 1)
    for table in GEOGRAPHY:  # the real CBS geography does not depend on the seed
        assert _differences(generated_s.out_dir, other.out_dir, table) == 0, table
    for table in SYNTHETIC:
        assert _differences(generated_s.out_dir, other.out_dir, table) > 0, table
    assert other.ground_truth["overbewoning"] != generated_s.ground_truth["overbewoning"]
    assert other.ground_truth["meta"]["seed"] == generated_s.seed + 1


def test_build_writes_manifest_and_leaves_no_work_files(generated_s):
    files = {p.name for p in generated_s.out_dir.iterdir()}
    assert files == {f"{t}.parquet" for t in TABLES} | {"ground_truth.json", "manifest.json"}
    manifest = json.loads((generated_s.out_dir / "manifest.json").read_text())
    assert manifest["size"] == "S"
    assert manifest["seed"] == generated_s.seed
    assert manifest["counts"] == generated_s.counts
    assert "CC BY 4.0" in manifest["sources"]["geography"]


# ---------------------------------------------------------------------------- identifiers


@pytest.mark.unit
def test_bsn_python_and_sql_agree():
    indices = list(range(0, 300)) + [1000, 4321, 99_999, 1_234_567, 17_999_999]
    con = duckdb.connect()
    try:
        rows = con.execute(
            f"SELECT i, {bsn_sql('i')}, {bsn_sql('i', 79_999_998)} FROM unnest(?::BIGINT[]) t(i)", [indices]
        ).fetchall()
    finally:
        con.close()
    assert len(rows) == len(indices)
    for i, bsn, rsin in rows:
        assert bsn == bsn_for_index(i), i
        assert rsin == bsn_for_index(i, 79_999_998), i
        assert elfproef(bsn) and elfproef(rsin)
    # The fallback branch (check digit 10 -> odd base) is among the indices tested.
    assert any(int(bsn_for_index(i)[:8]) % 2 == 1 for i in indices)
    assert len({bsn_for_index(i) for i in indices}) == len(indices)


def test_generated_bsns_are_valid_unique_and_in_test_range(duck):
    rows = duck.execute("SELECT CAST(pid AS BIGINT), bsn FROM personen").fetchall()
    assert len(rows) == len({bsn for _, bsn in rows})
    for pid, bsn in rows:
        assert elfproef(bsn), bsn
        assert bsn == bsn_for_index(pid)
        assert bsn.startswith("9999"), bsn  # counted down from the top: far from issued numbers
    rsins = [r for (r,) in duck.execute("SELECT rsin FROM ondernemingen WHERE rsin <> ''").fetchall()]
    assert rsins
    assert all(elfproef(r) for r in rsins)


def test_company_identifiers_are_well_formed(duck):
    bad = duck.execute(
        "SELECT count(*) FROM ondernemingen "
        "WHERE length(kvk_nummer) <> 8 OR NOT regexp_full_match(kvk_nummer, '[0-9]+')"
    ).fetchone()[0]
    assert bad == 0
    bad = duck.execute(
        "SELECT count(*) FROM nummeraanduidingen WHERE NOT regexp_full_match(identificatie, '0479200[0-9]{9}') "
        "OR NOT regexp_full_match(postcode, '[1-9][0-9]{3}[A-Z]{2}') OR right(postcode, 2) IN ('SA', 'SD', 'SS')"
    ).fetchone()[0]
    assert bad == 0


# -------------------------------------------------------------------- geography and SBI


def test_sbi_codes_used_exist(duck):
    unknown = duck.execute("SELECT count(*) FROM vestigingen v ANTI JOIN sbi s ON s.code = v.sbi").fetchone()[0]
    assert unknown == 0
    known = {c for (c,) in duck.execute("SELECT code FROM sbi").fetchall()}
    assert len(known) > 900
    assert {c for c, _ in voc.COMMON_SBI} <= known
    assert set(voc.RISK_BRANCH_SBI) <= known
    assert set(CLUSTER_SBI) <= known


def test_sbi_codes_exist_in_loaded_database(db):
    used = set(m.Vestiging.objects.values_list("sbi_id", flat=True).distinct())
    assert used
    assert used <= set(m.SbiCode.objects.values_list("code", flat=True))


def test_geography_is_zaanstad(duck):
    assert duck.execute("SELECT code, naam FROM gemeenten").fetchall() == [("GM0479", "Zaanstad")]
    assert duck.execute("SELECT count(*) FROM wijken").fetchone()[0] == 19
    assert duck.execute("SELECT count(*) FROM buurten").fetchone()[0] == 79


def test_addresses_per_buurt_follow_cbs_counts(duck):
    scale = SIZES["S"].scale
    rows = duck.execute(
        """SELECT b.code, b.huishoudens, coalesce(v.n, 0) FROM buurten b
           LEFT JOIN (SELECT buurt, count(*) AS n FROM verblijfsobjecten GROUP BY buurt) v ON v.buurt = b.code
           WHERE b.inwoners > 0"""
    ).fetchall()
    assert len(rows) > 70
    for code, households, n in rows:
        assert n >= max(1, int(households * scale)), code  # at least one address per household
    correlation = duck.execute(
        """SELECT corr(b.huishoudens, v.n) FROM buurten b
           JOIN (SELECT buurt, count(*) AS n FROM verblijfsobjecten GROUP BY buurt) v ON v.buurt = b.code"""
    ).fetchone()[0]
    assert correlation > 0.8
    total_households = sum(h for _, h, _ in rows)
    total_addresses = sum(n for _, _, n in rows)
    assert 1.0 <= total_addresses / (total_households * scale) <= 1.6


def test_persons_per_buurt_follow_cbs_inhabitants(duck, generated_s):
    scale = SIZES["S"].scale
    hotspots = {h["buurt"] for h in generated_s.ground_truth["hotspot_buurten"]}
    rows = duck.execute(
        """SELECT b.code, coalesce(b.inwoners, 0), count(p.pid) FROM buurten b
           LEFT JOIN verblijfsobjecten v ON v.buurt = b.code
           LEFT JOIN verblijfplaatsen r ON r.adres = v.hoofdadres
           LEFT JOIN personen p ON p.pid = r.pid
           GROUP BY ALL"""
    ).fetchall()
    for code, inhabitants, persons in rows:
        expected = inhabitants * scale
        if code in hotspots:
            assert persons >= int(expected), code  # planted persons come on top
        else:
            assert abs(persons - expected) <= 1, code


# ------------------------------------------------------------------ planted patterns


def test_ground_truth_lists_the_four_patterns(generated_s):
    truth = json.loads((generated_s.out_dir / "ground_truth.json").read_text())
    n = SIZES["S"].instances_per_pattern
    for kind in PATTERNS:
        assert len(truth[kind]) == n, kind
    hotspots = truth["hotspot_buurten"]
    assert sorted(h["patroon"] for h in hotspots) == sorted(PATTERNS * n)
    assert len({h["buurt"] for h in hotspots}) == len(hotspots)  # each instance its own buurt
    assert truth["meta"] == {"size": "S", "seed": generated_s.seed, "reference_date": REFERENCE_DATE.isoformat()}


def test_planted_signals_are_loaded(generated_s, db):
    for kind in PATTERNS:
        for instance in generated_s.ground_truth[kind]:
            references = instance["signalen"]
            assert len(references) >= 3
            signals = Signal.objects.filter(reference__in=references)
            assert signals.count() == len(references)
            assert set(signals.values_list("phenomenon", flat=True)) == {PATTERN_PHENOMENA[kind]}
            assert set(signals.values_list("buurt_id", flat=True)) == {instance["buurt"]}


def test_overbewoning_is_in_the_database(generated_s, db):
    for planted in generated_s.ground_truth["overbewoning"]:
        vbo = m.Verblijfsobject.objects.get(hoofdadres_id=planted["adres"])
        assert vbo.gebruiksdoel == "woonfunctie"
        assert vbo.oppervlakte == planted["oppervlakte"] < 50
        registered = m.Verblijfplaats.objects.filter(adres_id=planted["adres"], datum_einde__isnull=True)
        assert registered.count() == planted["ingeschrevenen"] >= 10
        assert vbo.oppervlakte / registered.count() < 5  # m² per registered person
        assert set(planted["toegevoegde_bsns"]) <= set(registered.values_list("persoon__bsn", flat=True))
        # Far above what is normal here.
        typical = (
            m.Verblijfplaats.objects.filter(adres__verblijfsobject__buurt=vbo.buurt_id)
            .values("adres").annotate(n=Count("id")).order_by("-n").values_list("n", flat=True)
        )
        assert typical[0] == registered.count()
        assert typical[1] < registered.count() / 2


def test_bedrijvencluster_is_in_the_database(generated_s, db):
    for planted in generated_s.ground_truth["bedrijvencluster"]:
        kvks = [c["kvk_nummer"] for c in planted["ondernemingen"]]
        companies = m.Onderneming.objects.filter(kvk_nummer__in=kvks)
        assert companies.count() == len(kvks) >= 5
        assert m.Verblijfsobject.objects.get(hoofdadres_id=planted["adres"]).gebruiksdoel == "woonfunctie"
        directors = set(planted["bestuurders_bsn"])
        assert len(directors) >= 2
        ended = 0
        for company in companies:
            assert company.rechtsvorm == "Besloten Vennootschap"
            assert set(company.vestigingen.values_list("adres_id", flat=True)) == {planted["adres"]}
            assert set(company.functionarissen.values_list("persoon__bsn", flat=True)) == directors
            if company.datum_opheffing:
                ended += 1
                assert company.datum_opheffing - company.datum_oprichting <= timedelta(days=300)
        assert ended >= len(kvks) - 1  # short-lived: all but perhaps the newest are gone again
        # The directors live at one residential address in the same buurt.
        homes = m.Verblijfplaats.objects.filter(persoon__bsn__in=directors).values_list("adres_id", flat=True)
        assert len(set(homes)) == 1
        home = m.Verblijfsobject.objects.get(hoofdadres_id=next(iter(homes)))
        assert home.gebruiksdoel == "woonfunctie"
        assert home.buurt_id == planted["buurt"]


def test_risicobranche_straat_is_in_the_database(generated_s, db):
    for planted in generated_s.ground_truth["risicobranche_straat"]:
        in_street = m.Vestiging.objects.filter(
            adres__openbare_ruimte=planted["straat"], adres__verblijfsobject__buurt=planted["buurt"]
        )
        risky = in_street.filter(sbi_id=planted["sbi"])
        assert risky.count() >= len(planted["vestigingen"]) >= 6
        assert set(risky.values_list("vestigingsnummer", flat=True)) >= {
            v["vestigingsnummer"] for v in planted["vestigingen"]
        }
        assert risky.count() / in_street.count() >= 0.4
        everywhere = m.Vestiging.objects.filter(sbi_id=planted["sbi"]).count()
        assert risky.count() / everywhere >= 0.5  # most of the branch sits in this one street


def test_abc_doorverkoop_is_in_the_database(generated_s, db):
    for planted in generated_s.ground_truth["abc_doorverkoop"]:
        sales = list(
            m.Eigendomsoverdracht.objects.filter(verblijfsobject_id=planted["verblijfsobject"]).order_by("datum")
        )
        assert len(sales) == 2
        first, second = sales
        assert [(s.datum.isoformat(), s.koopsom) for s in sales] == [
            (v["datum"], v["koopsom"]) for v in planted["verkopen"]
        ]
        assert (second.datum - first.datum).days < 183  # within six months
        assert second.koopsom / first.koopsom >= 1.3  # a jump in value
        assert second.datum <= REFERENCE_DATE
        woz = m.WozWaarde.objects.get(verblijfsobject_id=planted["verblijfsobject"])
        assert woz.waarde == planted["woz_waarde"]
        assert first.koopsom < woz.waarde < second.koopsom


def test_generated_dates_are_not_after_reference_date(duck):
    latest = duck.execute(
        "SELECT max(d) FROM (SELECT max(datum_oprichting) AS d FROM ondernemingen "
        "UNION ALL SELECT max(datum) FROM overdrachten UNION ALL SELECT max(datum_aanvang) FROM verblijfplaatsen "
        "UNION ALL SELECT max(CAST(received_at AS DATE)) FROM signalen)"
    ).fetchone()[0]
    assert latest <= REFERENCE_DATE
    assert latest > date(2020, 1, 1)
