"""The FG follows one processing across its steps in a real browser (Logboek Dataverwerkingen,
ADR 0025): from the Verwerkingslog by a click, strict CSP, axe-core clean, words not codes."""

import pytest

from meldpunt.accounts import services as account_services
from meldpunt.accounts.roles import Role
from meldpunt.privacy import log, trace
from meldpunt.privacy.models import SubjectType
from test_browser_pages import (
    PASSWORD,
    describe,
    log_in,
)
from test_words_not_codes import codes_in, visible_text

pytestmark = [pytest.mark.ldv, pytest.mark.browser, pytest.mark.django_db(transaction=True),
              pytest.mark.usefixtures("orm_next_to_playwright")]


def test_the_fg_follows_one_processing_from_the_log(visit):
    regisseur = account_services.create_user("browser-regisseur-spoor", PASSWORD, [Role.REGISSEUR])
    context = trace.new_context()
    token = trace._current.set(context)
    try:
        log.record("signaal_inzien", "signaal_beoordelen", [log.DataSubject(SubjectType.BSN, "111222333")],
                   user=regisseur)
        with trace.span():
            log.record("hit_bevraagd", "bronnenonderzoek", [log.DataSubject(SubjectType.BSN, "111222333"),
                                                           log.DataSubject(SubjectType.KVK, "12345678")],
                       user=regisseur, basis="BRP", status=log.LogStatus.UNSET)
    finally:
        trace._current.reset(token)
    fg = account_services.create_user("browser-fg-spoor", PASSWORD, [Role.FG])
    log_in(visit.page, fg.username)

    visit.page.goto("/toezicht/verwerkingslog/")
    with visit.page.expect_navigation():
        visit.page.get_by_role("link", name="Volg de verwerking van regel").first.click()
    response = visit.page.goto(visit.page.url)  # the page as loaded, for the header checks
    heading = visit.page.get_by_role("heading", level=1)
    assert heading.inner_text() == "Eén verwerking volgen"
    steps = visit.page.get_by_role("heading", level=2)
    assert steps.all_inner_texts() == ["Signaal inzien", "Hit bevraagd"]
    text = visible_text(visit.page.content())
    assert "browser-regisseur-spoor" in text and "geweigerd of zonder uitkomst" in text
    assert codes_in(text) == []
    visit.check_page("toezicht-verwerking-volgen", response)
    path = visit.page.url.removeprefix(visit.base_url)
    violations = visit.axe(path)
    assert violations == [], describe(violations)
