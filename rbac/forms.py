"""Forms of the rbac management pages."""

from __future__ import annotations

import re

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from rbac.models import Menu, Permission, Role, RoleMenuScope, Scope
from rbac.services.scopes import role_menu_scopes_save

ICON_RE = re.compile(r"^fa-[a-z0-9-]+$")


class MenuForm(forms.ModelForm):
    class Meta:
        model = Menu
        fields = ["title", "icon", "order"]

    def clean_icon(self) -> str:
        icon = self.cleaned_data["icon"].strip()
        if icon and not ICON_RE.match(icon):
            raise ValidationError(_("Use a Font Awesome class name such as fa-users."))
        return icon


class RoleForm(forms.ModelForm):
    """A role's title and data scopes: its own, and per menu (empty: as the role)."""

    class Meta:
        model = Role
        fields = ["title", "scope"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Left out of a post (a script, an old form): the role keeps its scope ("all" for a new one).
        self.fields["scope"].required = False
        current = {}
        if self.instance.pk:
            current = dict(RoleMenuScope.objects.filter(role=self.instance).values_list("menu_id", "scope"))
        self.menus = list(Menu.objects.all())
        choices = [("", _("as the role")), *Scope.choices]
        for menu in self.menus:
            self.fields[self.menu_field(menu)] = forms.ChoiceField(
                label=_("Data scope in “%(menu)s”") % {"menu": menu.title},
                choices=choices,
                required=False,
                initial=current.get(menu.pk, ""),
            )

    def clean_scope(self) -> str:
        return self.cleaned_data.get("scope") or self.instance.scope or Scope.ALL

    @staticmethod
    def menu_field(menu: Menu) -> str:
        return f"scope_menu_{menu.pk}"

    def menu_scopes(self) -> dict[int, str]:
        return {menu.pk: self.cleaned_data.get(self.menu_field(menu)) or "" for menu in self.menus}

    @transaction.atomic
    def save(self, commit: bool = True) -> Role:
        """The role (title, own scope) and, through the service, its scope per menu."""
        role = super().save(commit=commit)
        if commit:
            role_menu_scopes_save(role=role, menu_scopes=self.menu_scopes())
        return role


def _entries():
    return Permission.objects.filter(menu__isnull=False).select_related("menu").order_by("menu__order", "menu", "id")


class EntryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Permission) -> str:
        return f"{obj.menu} / {obj.title}"


class PermissionForm(forms.ModelForm):
    """A permission is a menu entry (menu set), a page under an entry (parent set), or neither."""

    parent = EntryChoiceField(queryset=Permission.objects.none(), required=False, label=_("parent entry"))

    class Meta:
        model = Permission
        fields = ["title", "name", "url", "menu", "parent"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        entries = _entries()
        if self.instance.pk:
            entries = entries.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = entries

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("menu") and cleaned.get("parent"):
            raise ValidationError(_("A permission is either a menu entry or a page under an entry, not both."))
        if cleaned.get("parent") and self.instance.pk and self.instance.children.exists() and not cleaned.get("menu"):
            raise ValidationError(_("This entry has pages under it; it cannot become a page itself."))
        return cleaned


class MultiPermissionBaseForm(forms.Form):
    """One row of the batch page."""

    apply = forms.BooleanField(label=_("apply"), required=False, initial=True)


class MultiAddForm(MultiPermissionBaseForm):
    title = forms.CharField(label=_("title"), max_length=64)
    name = forms.CharField(label=_("URL name"), max_length=128)
    url = forms.CharField(label=_("URL pattern"), max_length=255, required=False)
    menu = forms.ModelChoiceField(queryset=Menu.objects.all(), required=False, label=_("menu"))
    parent = EntryChoiceField(queryset=Permission.objects.none(), required=False, label=_("parent entry"))

    def __init__(self, *args, menu_choices=None, parent_choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = _entries()
        # The formset computes the choices once: without this every row queries menus and entries.
        if menu_choices is not None:
            self.fields["menu"].choices = menu_choices
        if parent_choices is not None:
            self.fields["parent"].choices = parent_choices

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("menu") and cleaned.get("parent"):
            raise ValidationError(_("A permission is either a menu entry or a page under an entry, not both."))
        return cleaned


class MultiUpdateForm(MultiAddForm):
    id = forms.ModelChoiceField(queryset=Permission.objects.all(), widget=forms.HiddenInput)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("parent") and cleaned.get("parent") == cleaned.get("id"):
            raise ValidationError(_("A permission cannot be its own parent entry."))
        return cleaned


class MultiDeleteForm(MultiPermissionBaseForm):
    id = forms.ModelChoiceField(queryset=Permission.objects.all(), widget=forms.HiddenInput)


class BaseMultiFormSet(forms.BaseFormSet):
    def get_form_kwargs(self, index):
        kwargs = super().get_form_kwargs(index)
        if "menu" in self.form.base_fields:
            if not hasattr(self, "_choices"):
                menu_field = self.form.base_fields["menu"]
                parent_field = EntryChoiceField(queryset=_entries(), required=False)
                self._choices = (list(menu_field.choices), list(parent_field.choices))
            kwargs["menu_choices"], kwargs["parent_choices"] = self._choices
        return kwargs

    def selected(self) -> list[dict]:
        return [form.cleaned_data for form in self.forms if form.cleaned_data.get("apply")]


class BaseMultiAddFormSet(BaseMultiFormSet):
    def clean(self):
        if any(self.errors):
            return
        names = [row["name"] for row in self.selected()]
        if len(names) != len(set(names)):
            raise ValidationError(_("The same URL name appears twice."))
        taken = set(Permission.objects.filter(name__in=names).values_list("name", flat=True))
        if taken:
            raise ValidationError(_("These URL names exist already: %(names)s"), params={"names": ", ".join(taken)})


class BaseMultiUpdateFormSet(BaseMultiFormSet):
    def clean(self):
        if any(self.errors):
            return
        rows = self.selected()
        names = [row["name"] for row in rows]
        if len(names) != len(set(names)):
            raise ValidationError(_("The same URL name appears twice."))
        ids = [row["id"].pk for row in rows]
        taken = list(Permission.objects.filter(name__in=names).exclude(pk__in=ids).values_list("name", flat=True))
        if taken:
            raise ValidationError(_("These URL names exist already: %(names)s"), params={"names": ", ".join(taken)})


MultiAddFormSet = forms.formset_factory(MultiAddForm, formset=BaseMultiAddFormSet, extra=0)
MultiUpdateFormSet = forms.formset_factory(MultiUpdateForm, formset=BaseMultiUpdateFormSet, extra=0)
MultiDeleteFormSet = forms.formset_factory(MultiDeleteForm, formset=BaseMultiFormSet, extra=0)


class AssignmentForm(forms.Form):
    """The selected user's roles and/or the selected role's permissions."""

    roles = forms.ModelMultipleChoiceField(queryset=Role.objects.all(), required=False, label=_("roles"))
    permissions = forms.ModelMultipleChoiceField(
        queryset=Permission.objects.all(), required=False, label=_("permissions")
    )


def users_queryset():
    return get_user_model().objects.order_by("username")
