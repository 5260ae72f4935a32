"""Forms of the staff pages: add (with password), edit (without), reset password."""

from django import forms
from django.contrib.auth.forms import SetPasswordMixin
from django.utils.translation import gettext_lazy as _

from web.models import UserInfo
from web.services.staff import staff_create

#: Fields an administrator edits on a staff member (the password has its own page).
PROFILE_FIELDS = ["username", "name", "gender", "depart", "phone", "email"]


def password_fields() -> tuple[forms.CharField, forms.CharField]:
    """A new password and its confirmation (declared on each form: a form only collects its own fields)."""
    return SetPasswordMixin.create_password_fields(label1=_("Password"), label2=_("Confirm password"))


class StaffPasswordMixin(SetPasswordMixin):
    """Checks that the password and its confirmation match; Django's validators run per form."""

    def clean(self):
        cleaned_data = super().clean()
        self.validate_passwords("password", "confirm_password")
        return cleaned_data


class UserInfoAddForm(StaffPasswordMixin, forms.ModelForm):
    """A new staff member. The handler stores the password through `web.services.staff.staff_create`."""

    password, confirm_password = password_fields()

    class Meta:
        model = UserInfo
        fields = [*PROFILE_FIELDS]

    def _post_clean(self):
        super()._post_clean()
        # After the instance holds the form's username, name and email, so that the
        # "too similar to your personal information" validator can compare them.
        self.validate_password_for_user(self.instance, "password")

    def save(self, commit=True):
        """Create the staff member through the service, which stores only the password's hash."""
        if not commit:
            raise ValueError("UserInfoAddForm.save() always creates the user; call it with commit=True.")
        data = {field: self.cleaned_data[field] for field in PROFILE_FIELDS}
        self.instance = staff_create(password=self.cleaned_data["password"], **data)
        return self.instance


class UserInfoChangeForm(forms.ModelForm):
    """An existing staff member's profile; no password field (see UserInfoResetPasswordForm)."""

    class Meta:
        model = UserInfo
        fields = [*PROFILE_FIELDS, "is_active"]


class UserInfoResetPasswordForm(StaffPasswordMixin, forms.Form):
    """An administrator sets a new password for ``user``."""

    password, confirm_password = password_fields()

    def __init__(self, user: UserInfo, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned_data = super().clean()
        self.validate_password_for_user(self.user, "password")
        return cleaned_data
