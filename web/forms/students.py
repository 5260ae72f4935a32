"""Forms of the student and score record pages."""

from django import forms

from web.forms.contact import add_validators, mobile_validator, qq_validator
from web.models import ScoreRecord, Student
from web.services.students import score_delta_validate


class StudentChangeForm(forms.ModelForm):
    """Contact fields and memo.

    Not the classes: a class is joined by an approved payment and changed by an approved
    transfer or repeat application only. Not the score either: it changes through score records.
    """

    class Meta:
        model = Student
        fields = ["qq", "mobile", "emergency_contract", "memo"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        add_validators(self, qq=qq_validator, mobile=mobile_validator)


class ScoreRecordForm(forms.ModelForm):
    class Meta:
        model = ScoreRecord
        fields = ["content", "score"]
        widgets = {"content": forms.Textarea(attrs={"rows": 3})}

    def clean_score(self) -> int:
        score = self.cleaned_data["score"]
        score_delta_validate(score)
        return score
