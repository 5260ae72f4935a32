"""The class (班级) add/edit form."""

from django import forms
from django.utils.translation import gettext_lazy as _

from stark.widgets import NativeDateInput
from web.models import ClassList


class ClassListForm(forms.ModelForm):
    """Teacher choices come from the model's ``limit_choices_to`` (department kinds), so a
    tampered POST naming someone outside those departments fails as an invalid choice."""

    class Meta:
        model = ClassList
        fields = [
            "school",
            "course",
            "semester",
            "price",
            "start_date",
            "graduate_date",
            "class_teacher",
            "tech_teachers",
            "memo",
        ]
        widgets = {
            "start_date": NativeDateInput(),  # the browser's own date picker (ISO dates)
            "graduate_date": NativeDateInput(),
            "tech_teachers": forms.CheckboxSelectMultiple(),
            "memo": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["semester"].widget.attrs["min"] = 1
        self.fields["price"].widget.attrs["min"] = 0
        for name in ("class_teacher", "tech_teachers"):
            field = self.fields[name]
            field.queryset = field.queryset.select_related("depart").order_by("depart", "name", "username")
            field.label_from_instance = _teacher_label

    def clean_semester(self):
        semester = self.cleaned_data["semester"]
        if semester is not None and semester < 1:
            raise forms.ValidationError(_("The semester starts at 1."), code="min_value")
        return semester

    def clean_price(self):
        price = self.cleaned_data["price"]
        if price is not None and price < 0:
            raise forms.ValidationError(_("The price cannot be negative."), code="min_value")
        return price

    def clean(self):
        cleaned_data = super().clean()
        start, graduate = cleaned_data.get("start_date"), cleaned_data.get("graduate_date")
        if start and graduate and graduate < start:
            self.add_error(
                "graduate_date",
                forms.ValidationError(_("The graduation date cannot be before the start date."), code="before_start"),
            )
        return cleaned_data


def _teacher_label(user) -> str:
    return f"{user} ({user.depart})" if user.depart_id else str(user)
