"""The form renderer: Django's own widget templates, with the widgets every page renders written out
in Python (issue 17).

Rendering a widget through Django's templates costs three template renders per input (``text.html``
includes ``input.html`` includes ``attrs.html``) and two more per option of a select or radio list:
the intake form's buurt list of 79 options took about 5 ms of CPU, a radio list of 11 fenomenen
about 2 ms, on a server whose latency under load is its CPU per request. ``FastRenderer`` writes the
same HTML (byte for byte: tests/web/test_renderer.py compares it with the templates) for the plain
inputs, textareas, selects and the options of radio and checkbox lists, and leaves every other
template (file inputs, whole forms, error lists, a widget with its own option template) to Django.
Values are escaped exactly as the templates escape them (``render_value_in_context``: localised,
then escaped unless already marked safe).
"""

from __future__ import annotations

from django.forms.renderers import DjangoTemplates
from django.template.base import render_value_in_context
from django.template.context import Context
from django.utils.html import escape
from django.utils.safestring import SafeData

WIDGETS = "django/forms/widgets/"
# Templates that are ``{% include "django/forms/widgets/input.html" %}`` and nothing else.
INPUT_TEMPLATES = frozenset(f"{WIDGETS}{name}.html" for name in (
    "input", "text", "number", "email", "url", "password", "hidden", "date", "datetime", "time",
    "checkbox", "search", "tel", "color"))
# Templates that are ``{% include "django/forms/widgets/input_option.html" %}`` (or it).
OPTION_TEMPLATES = frozenset(f"{WIDGETS}{name}.html" for name in ("input_option", "radio_option",
                                                                   "checkbox_option"))
SELECT = f"{WIDGETS}select.html"
SELECT_OPTION = f"{WIDGETS}select_option.html"
TEXTAREA = f"{WIDGETS}textarea.html"

# What a template renders with: autoescape on, localisation as the settings say.
_CONTEXT = Context(autoescape=True)


def _out(value) -> str:
    """``{{ value }}`` in a template."""
    return render_value_in_context(value, _CONTEXT)


def _formatted(value) -> str:
    """``{{ value|stringformat:'s' }}`` in a template (the filter keeps a safe value safe)."""
    text = str(value)  # "%s" % value, a tuple as one value
    return text if isinstance(value, SafeData) else escape(text)


def _attrs(attrs: dict) -> str:
    """django/forms/widgets/attrs.html."""
    out = []
    for name, value in attrs.items():
        if value is False:
            continue
        out.append(f" {_out(name)}" if value is True else f' {_out(name)}="{_formatted(value)}"')
    return "".join(out)


def _input(widget: dict) -> str:
    """django/forms/widgets/input.html, without its final newline."""
    value = "" if widget["value"] is None else f' value="{_formatted(widget["value"])}"'
    return f'<input type="{_out(widget["type"])}" name="{_out(widget["name"])}"{value}{_attrs(widget["attrs"])}>'


def _input_option(widget: dict) -> str:
    """django/forms/widgets/input_option.html (a radio or checkbox of a list), stripped."""
    if not widget.get("wrap_label"):
        return _input(widget)
    target = widget["attrs"].get("id")
    label_for = f' for="{_out(target)}"' if target else ""
    # The included input.html keeps its final newline inside the label.
    return f"<label{label_for}>{_input(widget)}\n {_out(widget['label'])}</label>"


def _select(widget: dict) -> str | None:
    """django/forms/widgets/select.html, stripped; None when an option has a template of its own."""
    out = [f'<select name="{_out(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            out.append(f'\n  <optgroup label="{_out(group_name)}">')
        for option in options:
            if option.get("template_name") != SELECT_OPTION:
                return None
            # Each included option keeps the final newline of select_option.html.
            out.append(f'\n  <option value="{_formatted(option["value"])}"{_attrs(option["attrs"])}>'
                       f'{_out(option["label"])}</option>\n')
        if group_name:
            out.append("\n  </optgroup>")
    out.append("\n</select>")
    return "".join(out)


def _textarea(widget: dict) -> str:
    """django/forms/widgets/textarea.html, stripped."""
    value = _out(widget["value"]) if widget["value"] else ""
    return f'<textarea name="{_out(widget["name"])}"{_attrs(widget["attrs"])}>\n{value}</textarea>'


class FastRenderer(DjangoTemplates):
    """Django's default renderer; the common widgets in Python (see the module's docstring)."""

    def render(self, template_name, context, request=None):
        widget = context.get("widget") if isinstance(context, dict) else None
        if isinstance(widget, dict):
            html = None
            if template_name in INPUT_TEMPLATES:
                html = _input(widget)
            elif template_name in OPTION_TEMPLATES:
                html = _input_option(widget)
            elif template_name == SELECT:
                html = _select(widget)
            elif template_name == TEXTAREA:
                html = _textarea(widget)
            if html is not None:
                # Escaped above; Django marks a widget's rendering safe itself (Widget._render), as
                # it does with the templates' output.
                return html.strip()
        return super().render(template_name, context, request=request)
