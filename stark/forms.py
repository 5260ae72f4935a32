"""The ModelForm stark generates, and the widget swap applied to every handler form."""

from django import forms

from stark.widgets import NativeDateInput, NativeDateTimeInput


def use_native_date_inputs(form: forms.BaseForm) -> forms.BaseForm:
    """Give date and datetime fields the browser's own picker (unless the form chose a widget)."""
    for field in form.fields.values():
        widget_type = type(field.widget)
        if isinstance(field, forms.DateTimeField) and widget_type in (forms.DateTimeInput, forms.TextInput):
            field.widget = NativeDateTimeInput(attrs=field.widget.attrs)
            # The browser sends "2026-11-25T19:30"; accept it next to the locale's formats.
            field.input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", *field.input_formats]
        elif isinstance(field, forms.DateField) and widget_type in (forms.DateInput, forms.TextInput):
            field.widget = NativeDateInput(attrs=field.widget.attrs)
            field.input_formats = ["%Y-%m-%d", *field.input_formats]
    return form


class StarkModelForm(forms.ModelForm):
    """Base class of generated forms; handler forms may subclass it or plain ModelForm."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        use_native_date_inputs(self)
