"""Form helpers: NL Design System (Utrecht) classes on Django widgets, and Dutch defaults."""

from django import forms
from django.contrib import messages

from meldpunt.core.errors import MeldpuntError

CLASSES = {
    forms.Textarea: "utrecht-textarea utrecht-textarea--html-textarea",
    forms.Select: "utrecht-select utrecht-select--html-select",
    forms.CheckboxInput: "utrecht-checkbox utrecht-checkbox--html-input",
    forms.RadioSelect: "utrecht-radio-button utrecht-radio-button--html-input",
    forms.CheckboxSelectMultiple: "utrecht-checkbox utrecht-checkbox--html-input",
    forms.ClearableFileInput: "utrecht-textbox mp-file",
    forms.FileInput: "utrecht-textbox mp-file",
}
TEXTBOX = "utrecht-textbox utrecht-textbox--html-input"


class DateInput(forms.DateInput):
    """A browser date picker. `<input type=date>` only takes ISO dates (the Dutch dd-mm-jjjj of
    the locale left the field empty, and an entered date vanished after a validation error)."""

    input_type = "date"

    def __init__(self, attrs=None, format="%Y-%m-%d"):
        super().__init__(attrs=attrs, format=format)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        items = data if isinstance(data, list | tuple) else ([data] if data else [])
        return [super(MultipleFileField, self).clean(item, initial) for item in items]


class StyledForm(forms.Form):
    """Adds the Utrecht classes and aria attributes the field include expects."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            widget = field.widget
            # The exact widget class first, then its base (a Select subclass is still a dropdown).
            css = next((c for kind, c in CLASSES.items() if type(widget) is kind), None) or next(
                (c for kind, c in CLASSES.items() if isinstance(widget, kind)), TEXTBOX)
            widget.attrs.setdefault("class", css)
            if field.help_text:
                widget.attrs.setdefault("aria-describedby", f"id_{self.add_prefix(name)}-uitleg")

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs["aria-invalid"] = "true"
                self.fields[name].widget.attrs["aria-describedby"] = f"id_{self.add_prefix(name)}-fout"


def add_service_errors(form, error: MeldpuntError) -> None:
    """Show a refused service call on the form: its field errors at their fields (above the form when
    the form has no such field), its messages above the form. Nothing was written (P8)."""
    for name, texts in error.field_errors.items():
        for text in texts:
            form.add_error(name if name in form.fields else None, text)
    for text in error.messages:
        form.add_error(None, text)


def flash_service_errors(request, error) -> None:
    """Show a refused service call on the next page (after a redirect)."""
    for text in [*error.messages, *(t for texts in error.field_errors.values() for t in texts)]:
        messages.error(request, text)
