"""The upload form of the customer import (the file field is named ``file``: tests and bookmarks use it)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from web.models import Customer


class CustomerImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet"),
        help_text=_("At most 10 MB and 50,000 rows; .xlsx or .csv (UTF-8 or GB18030)."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv,text/csv"}),
    )
    source = forms.ChoiceField(
        label=_("Source of these customers"), choices=Customer.Source.choices, initial=Customer.Source.QQ_GROUP
    )
