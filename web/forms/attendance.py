"""Forms of the course record and batch attendance pages."""

from django import forms
from django.forms import BaseModelFormSet, modelformset_factory
from django.utils.translation import gettext_lazy as _

from web.models import ClassList, CourseRecord, StudyRecord, UserInfo


class CourseRecordForm(forms.ModelForm):
    """Day, teacher (one of the class's teachers) and date; the class comes from the URL.

    The handler calls ``for_class`` right after building the form.
    """

    class Meta:
        model = CourseRecord
        fields = ["day_num", "teacher", "date"]

    def for_class(self, class_object: ClassList) -> "CourseRecordForm":
        self.instance.class_object = class_object
        teachers = class_object.tech_teachers.all()
        if self.instance.pk and self.instance.teacher_id:
            # Keep a teacher who has since left the class selectable on old records.
            teachers = teachers | UserInfo.objects.filter(pk=self.instance.teacher_id)
        self.fields["teacher"].queryset = teachers.distinct()
        if not self.instance.pk:
            lecturers = list(self.fields["teacher"].queryset.values_list("pk", flat=True)[:2])
            if len(lecturers) == 1:  # nothing to choose: preselect the class's only lecturer
                self.fields["teacher"].initial = lecturers[0]
        return self

    def clean_day_num(self) -> int:
        day_num = self.cleaned_data["day_num"]
        # (class, day) is unique; the class is not a form field, so Django's own unique check skips it.
        taken = CourseRecord.objects.filter(class_object=self.instance.class_object, day_num=day_num)
        if self.instance.pk:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(
                _("Lesson %(day)s of this class already has a course record."),
                code="unique_day",
                params={"day": day_num},
            )
        return day_num


class StudyRecordForm(forms.ModelForm):
    class Meta:
        model = StudyRecord
        fields = ["record"]
        widgets = {"record": forms.Select(attrs={"class": "form-control form-control-sm"})}


class BaseStudyRecordFormSet(BaseModelFormSet):
    """Rows of one course record only.

    A model formset's hidden ``id`` field accepts any row of the model and turns an unknown
    one into a new object, so a tampered id (a record of another lesson) or an added row would
    otherwise slip through; here every row must name a record of the formset's queryset.
    """

    def clean(self) -> None:
        super().clean()
        allowed = set(self.get_queryset().values_list("pk", flat=True))
        for form in self.forms:
            record = form.cleaned_data.get("id")
            if record is None or record.pk not in allowed:
                raise forms.ValidationError(
                    _("Some rows do not belong to this lesson. Reload the page and try again."), code="foreign_record"
                )


#: One row per attendance record of a course record (edit only: a POST can never add rows).
StudyRecordFormSet = modelformset_factory(
    StudyRecord, form=StudyRecordForm, formset=BaseStudyRecordFormSet, extra=0, can_delete=False, edit_only=True
)
