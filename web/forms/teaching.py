"""Forms of the talk record and class change pages."""

from django import forms
from django.core.exceptions import ValidationError

from web.models import ClassChange, ClassList, Student, TalkRecord
from web.services.class_changes import class_change_validate


class TalkRecordForm(forms.ModelForm):
    class Meta:
        model = TalkRecord
        fields = ["date", "topic", "content"]
        widgets = {"content": forms.Textarea(attrs={"rows": 5})}


class ClassChangeForm(forms.ModelForm):
    """Kind, from class (one of the student's), to class (an open class) and reason.

    The handler calls ``for_student`` right after building the form.
    """

    class Meta:
        model = ClassChange
        fields = ["kind", "from_class", "to_class", "reason"]
        widgets = {"reason": forms.Textarea(attrs={"rows": 3})}

    def for_student(self, student: Student) -> "ClassChangeForm":
        self.student = student
        self.fields["from_class"].queryset = student.class_list.select_related("course", "school")
        own_classes = list(self.fields["from_class"].queryset[:2])
        if len(own_classes) == 1:  # nothing to choose: preselect the student's only class
            self.fields["from_class"].initial = own_classes[0].pk
        # Closed classes stay listed so choosing one gets a clear message rather than "invalid choice".
        self.fields["to_class"].queryset = ClassList.objects.select_related("course", "school")
        return self

    def clean(self) -> dict:
        cleaned = super().clean()
        kind, from_class, to_class = cleaned.get("kind"), cleaned.get("from_class"), cleaned.get("to_class")
        if kind and from_class and to_class:
            try:
                class_change_validate(student=self.student, kind=kind, from_class=from_class, to_class=to_class)
            except ValidationError as error:
                self.add_error(None, error)
        return cleaned
