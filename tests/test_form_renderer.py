"""The form renderer (meldpunt.web.renderer, issue 17) writes exactly what Django's widget templates
write: every widget and value below, rendered both ways, byte for byte."""

import datetime

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe

from meldpunt.web.forms import DateInput, MultipleFileInput
from meldpunt.web.renderer import FastRenderer

pytestmark = pytest.mark.unit

TRICKY = 'a "quoted" <b>&amp; \'single\''
CHOICES = [("", "— geen buurt gekozen —"), ("BU1", "Centrum (Wijk 1)"), ("BU2", TRICKY), (3, 3.5),
           ("safe", mark_safe("<em>veilig</em>"))]
GROUPED = [("Noord", [("n1", "Eén"), ("n2", "Twee")]), ("z", "Zuid"), ("Oost", [(4, TRICKY)])]
ATTRS = {"class": "utrecht-select", "aria-describedby": "id_x-uitleg", "aria-invalid": "true", "required": True,
         "disabled": False, "data-n": 5, "data-safe": mark_safe("<b>"), "title": TRICKY}


class EveryWidget(forms.Form):
    text = forms.CharField(widget=forms.TextInput(attrs={"class": "utrecht-textbox", "title": TRICKY}))
    number = forms.IntegerField(min_value=1, max_value=99999)
    decimal = forms.DecimalField(required=False)
    email = forms.EmailField(required=False)
    password = forms.CharField(widget=forms.PasswordInput(render_value=True))
    hidden = forms.CharField(widget=forms.HiddenInput)
    date = forms.DateField(widget=DateInput(), required=False)
    check = forms.BooleanField(required=False)
    textarea = forms.CharField(widget=forms.Textarea(attrs={"rows": 6}), required=False)
    select = forms.ChoiceField(choices=CHOICES, required=False)
    grouped = forms.ChoiceField(choices=GROUPED, required=False)
    multiple = forms.MultipleChoiceField(choices=CHOICES, required=False)
    radio = forms.ChoiceField(choices=CHOICES, widget=forms.RadioSelect)
    boxes = forms.MultipleChoiceField(choices=GROUPED, widget=forms.CheckboxSelectMultiple, required=False)
    files = forms.FileField(widget=MultipleFileInput, required=False)


DATA = [
    {},
    {"text": TRICKY, "number": "12", "decimal": "1.5", "email": "a@b.nl", "password": TRICKY, "hidden": TRICKY,
     "date": "2026-12-08", "check": "on", "textarea": TRICKY + "\nregel 2", "select": "BU2", "grouped": "4",
     "multiple": ["BU1", "3"], "radio": "safe", "boxes": ["n1", "4"]},
    {"text": "", "number": "nul", "date": "morgen", "select": "onbekend", "radio": "3"},
]


def both(render):
    return render(DjangoTemplates()), render(FastRenderer())


@pytest.mark.parametrize("data", DATA)
def test_every_field_of_a_form_as_the_templates_write_it(data):
    for name in EveryWidget.base_fields:
        def render(renderer, name=name):
            form = EveryWidget(data or None, initial={"date": datetime.date(2026, 1, 2), "number": 7},
                               renderer=renderer)
            form.is_valid()
            return str(form[name])
        slow, fast = both(render)
        assert fast == slow, name


@pytest.mark.parametrize("data", DATA)
def test_each_option_of_a_radio_or_checkbox_list_as_the_templates_write_it(data):
    for name in ("radio", "boxes"):
        def render(renderer, name=name):
            form = EveryWidget(data or None, renderer=renderer)
            return [(choice.tag(), str(choice), choice.tag(wrap_label=True)) for choice in form[name]]
        slow, fast = both(render)
        assert fast == slow, name


def test_widget_attributes_true_false_safe_and_escaped():
    for widget in (forms.TextInput(attrs=ATTRS), forms.Select(attrs=ATTRS, choices=GROUPED),
                   forms.Textarea(attrs=ATTRS), forms.CheckboxInput(attrs=ATTRS)):
        slow, fast = both(lambda renderer, widget=widget: widget.render("veld", TRICKY, renderer=renderer))
        assert fast == slow, type(widget).__name__
        assert "&lt;b&gt;" in fast or isinstance(widget, forms.CheckboxInput)


def test_an_option_with_a_template_of_its_own_is_left_to_the_template():
    class Own(forms.Select):
        option_template_name = "django/forms/widgets/input_option.html"

    widget = Own(choices=CHOICES)
    slow, fast = both(lambda renderer: widget.render("veld", "BU1", renderer=renderer))
    assert fast == slow


def test_the_project_renders_forms_with_it(settings):
    from django.forms.renderers import get_default_renderer

    assert settings.FORM_RENDERER == "meldpunt.web.renderer.FastRenderer"
    get_default_renderer.cache_clear()
    try:
        assert isinstance(get_default_renderer(), FastRenderer)
    finally:
        get_default_renderer.cache_clear()
