"""Date pickers get ISO values: `<input type=date>` and `datetime-local` drop anything else, so a
Dutch dd-mm-jjjj default showed empty and an entered date vanished after a validation error."""

import datetime

import pytest
from django import forms

from meldpunt.cases.forms import MeetingForm
from meldpunt.web.forms import DateInput

pytestmark = pytest.mark.unit


class _Form(forms.Form):
    day = forms.DateField(widget=DateInput)
    other = forms.CharField()


def test_a_date_default_and_a_date_after_an_error_keep_their_value():
    assert 'value="2026-12-07"' in str(_Form(initial={"day": datetime.date(2026, 12, 7)})["day"])
    bound = _Form({"day": "2026-12-07", "other": ""})
    assert not bound.is_valid() and "other" in bound.errors
    assert 'value="2026-12-07"' in str(bound["day"])


def test_a_meeting_time_default_is_in_the_datetime_local_shape():
    form = MeetingForm(initial={"starts_at": datetime.datetime(2026, 12, 10, 9, 30)})
    assert 'value="2026-12-10T09:30"' in str(form["starts_at"])
