"""The one CSV writer: spreadsheet-safe cells, UTF-8 with BOM, no caching."""

import pytest

from meldpunt.core import csvexport

pytestmark = pytest.mark.unit


def test_cells_that_would_start_a_formula_are_quoted():
    assert csvexport.cell("=HYPERLINK(\"http://x\")") == "'=HYPERLINK(\"http://x\")"
    for start in ("+", "-", "@", "\t", "\r"):
        assert csvexport.cell(f"{start}1").startswith("'")
    assert csvexport.cell("Jansen") == "Jansen"
    assert csvexport.cell(None) == ""
    assert csvexport.cell(12) == "12"


def test_response_is_a_download_that_is_not_cached():
    response = csvexport.response("lijst.csv", ["naam", "notitie"], [["A", "=1+1"]])
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeffnaam;notitie")
    assert "A;'=1+1" in body
    assert response["Cache-Control"] == "no-store"
    assert response["Content-Disposition"] == 'attachment; filename="lijst.csv"'
