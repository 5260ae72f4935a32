"""Staff users (员工): list, add with a password, edit, reset a password, delete or deactivate.

Passwords are only ever stored through web.services.staff (Django's hashers). A user
who has business records is deactivated instead of deleted, so that customers,
follow-ups, payments and classes keep pointing at the person who handled them.
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.html import format_html
from django.utils.translation import gettext

from rbac.services.guard import AssignmentLockout
from stark.handlers import StarkHandler
from stark.search import Option
from web.forms.userinfo import UserInfoAddForm, UserInfoChangeForm, UserInfoResetPasswordForm
from web.services.staff import staff_create, staff_has_records, staff_remove, staff_set_password, staff_update


class UserInfoHandler(StarkHandler):
    def display_reset_pwd(self, request: HttpRequest, obj: Any = None, is_header: bool = False, *args, **kwargs):
        if is_header:
            return gettext("Password")
        url = self.reverse_url(request, "reset_pwd", pk=obj.pk)
        if url is None:
            return ""
        return format_html('<a href="{}"><i class="fa fa-key"></i> {}</a>', url, gettext("Reset"))

    list_display = [
        "name",
        "username",
        "gender",
        "depart",
        "phone",
        "email",
        "roles",
        "is_active",
        display_reset_pwd,
        StarkHandler.display_edit_del,
    ]
    search_list = ["name", "username", "phone", "email"]
    search_group = [Option("gender"), Option("depart"), Option("is_active")]

    def get_model_form_class(self, request: HttpRequest, is_add: bool, *args, **kwargs):
        return UserInfoAddForm if is_add else UserInfoChangeForm

    def get_form(self, request: HttpRequest, is_add: bool, instance, *args, **kwargs):
        form = super().get_form(request, is_add, instance, *args, **kwargs)
        if instance is not None and instance.pk == request.user.pk and "is_active" in form.fields:
            # Unticking "active" on one's own account would lock one out mid-session.
            form.fields["is_active"].disabled = True
        return form

    def save(self, request: HttpRequest, form, is_update: bool, *args, **kwargs):
        if is_update:
            return staff_update(user=form.save(commit=False), fields=form._meta.fields)
        data = form.cleaned_data
        form.instance = staff_create(
            username=data["username"],
            password=data["password"],
            name=data["name"],
            gender=data["gender"],
            depart=data["depart"],
            phone=data["phone"],
            email=data["email"],
        )
        return form.instance

    # ------------------------------------------------------------------ reset password
    def get_reset_pwd_url_name(self) -> str:
        return self.get_url_name("reset_pwd")

    def extra_urls(self):
        return [
            path("<int:pk>/reset/password/", self.wrap(self.reset_pwd_view), name=self.get_reset_pwd_url_name()),
        ]

    def reset_pwd_view(self, request: HttpRequest, pk: Any, *args, **kwargs) -> HttpResponse:
        user = self.get_object(request, pk, *args, **kwargs)
        form = UserInfoResetPasswordForm(user, data=request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            staff_set_password(user=user, password=form.cleaned_data["password"])
            if user.pk == request.user.pk:
                update_session_auth_hash(request, user)  # resetting one's own password keeps one logged in
            messages.success(request, gettext("The password of “%(user)s” has been reset.") % {"user": user})
            return HttpResponseRedirect(self.get_return_url(request, *args, **kwargs))
        context = {
            **self.get_context(request, *args, **kwargs),
            "title": gettext("Reset the password of “%(user)s”") % {"user": user},
            "form": form,
            "is_add": False,
        }
        return TemplateResponse(request, self.get_template_names("form"), context)

    # ------------------------------------------------------------------ delete or deactivate
    def delete_view(self, request: HttpRequest, pk: Any, *args, **kwargs) -> HttpResponse:
        if request.method not in ("GET", "HEAD", "POST"):
            return HttpResponseNotAllowed(["GET", "POST"])
        user = self.get_object(request, pk, *args, **kwargs)
        is_self = user.pk == request.user.pk
        if request.method == "POST" and not is_self:
            try:
                result = staff_remove(user=user, acting_user=request.user)
            except AssignmentLockout as refusal:
                messages.error(request, refusal.messages[0])
                return HttpResponseRedirect(self.get_return_url(request, *args, **kwargs))
            if result.deleted:
                messages.success(request, gettext("Deleted staff member “%(user)s”.") % {"user": user})
            else:
                messages.success(
                    request,
                    gettext("“%(user)s” has business records, so the account was deactivated instead of deleted.")
                    % {"user": user},
                )
            return HttpResponseRedirect(self.get_return_url(request, *args, **kwargs))
        context = {
            **self.get_context(request, *args, **kwargs),
            "title": gettext("Delete %(name)s") % {"name": self.opts.verbose_name},
            "object": user,
            "is_self": is_self,
            "has_records": not is_self and staff_has_records(user=user),
        }
        return TemplateResponse(request, self.get_template_names("delete"), context)
