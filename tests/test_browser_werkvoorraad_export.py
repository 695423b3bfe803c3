"""The werkvoorraad with search and the CSV export link, in a real browser: the strict CSP, no
inline code, no console errors, axe clean, a screenshot (var/screenshots/werkvoorraad-zoeken.png),
and the link downloads the same signals the page lists."""

import csv
import io
import re
from pathlib import Path

import pytest

from meldpunt.accounts import services as account_services
from meldpunt.accounts.roles import Role
from test_browser_pages import (
    PASSWORD,
    describe,
    log_in,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True),
              pytest.mark.usefixtures("orm_next_to_playwright")]


def test_search_and_export_the_werkvoorraad(visit):
    user = account_services.create_user("browser-export", PASSWORD, [Role.REGISSEUR])
    log_in(visit.page, user.username)
    page = visit.page
    page.goto("/werkvoorraad/")
    page.get_by_label("Zoeken").fill("ZA-")
    with page.expect_navigation():
        page.get_by_role("button", name="Filteren").click()
    response = page.goto(page.url)  # the page's own headers
    visit.check_page("werkvoorraad-zoeken", response)
    listed = set(re.findall(r"ZA-[0-9]{4}-[0-9]{7,10}", page.get_by_role("table").inner_text()))
    assert listed

    link = page.get_by_role("link", name="Deze signalen exporteren (CSV)")
    assert "text=ZA-" in link.get_attribute("href")
    with page.expect_download() as download_info:
        link.click()
    text = Path(download_info.value.path()).read_text(encoding="utf-8-sig")
    exported = {row[0] for row in list(csv.reader(io.StringIO(text), delimiter=";"))[1:]}
    assert listed <= exported  # the page shows its first 25, the file all of them

    violations = visit.axe(page.url)
    assert violations == [], describe(violations)
