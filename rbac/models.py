"""Role-based access control: menus, URL-name permissions, roles."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Menu(models.Model):
    """A first-level group in the sidebar (e.g. "Customers")."""

    title = models.CharField(_("title"), max_length=32, unique=True)
    icon = models.CharField(_("icon"), max_length=32, blank=True, help_text=_("Font Awesome name, e.g. fa-users"))
    order = models.IntegerField(_("order"), default=0, help_text=_("Smaller numbers come first."))

    class Meta:
        verbose_name = _("menu")
        verbose_name_plural = _("menus")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.title


class Permission(models.Model):
    """A named URL a role may open.

    ``name`` is the URL name (e.g. ``stark:web_customer_pub_list``), the key the
    middleware checks. A permission with ``menu`` is a sidebar entry; one with
    ``parent`` is a page under such an entry (it highlights the entry).
    """

    title = models.CharField(_("title"), max_length=64)
    name = models.CharField(_("URL name"), max_length=128, unique=True)
    url = models.CharField(_("URL pattern"), max_length=255, blank=True)
    menu = models.ForeignKey(
        Menu,
        verbose_name=_("menu"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="permissions",
        help_text=_("Set for entries shown in the sidebar."),
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent entry"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="children",
        limit_choices_to={"menu__isnull": False},
        help_text=_("For pages that are not menu entries: the entry they belong to."),
    )

    class Meta:
        verbose_name = _("permission")
        verbose_name_plural = _("permissions")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.title


class Scope(models.TextChoices):
    """Which rows a role sees on the pages it may open (a data scope), widest first.

    What "own" and "department" mean is up to each page: the rows the user is responsible
    for, and those of the user's department (stark handlers say it in ``scope_lookups``).
    """

    ALL = "all", _("all rows")
    DEPARTMENT = "department", _("rows of my department")
    OWN = "own", _("my own rows")


#: Scopes from the widest: a user holding a page through several roles gets the widest one.
SCOPE_ORDER = [Scope.ALL, Scope.DEPARTMENT, Scope.OWN]


class Role(models.Model):
    title = models.CharField(_("title"), max_length=32, unique=True)
    permissions = models.ManyToManyField(Permission, verbose_name=_("permissions"), blank=True, related_name="roles")
    scope = models.CharField(
        _("data scope"),
        max_length=16,
        choices=Scope.choices,
        default=Scope.ALL,
        help_text=_("The rows this role sees on its pages, unless a menu below says otherwise."),
    )

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.title


class RoleMenuScope(models.Model):
    """A role's data scope on the pages of one menu (its entries and the pages under them)."""

    role = models.ForeignKey(Role, verbose_name=_("role"), on_delete=models.CASCADE, related_name="menu_scopes")
    menu = models.ForeignKey(Menu, verbose_name=_("menu"), on_delete=models.CASCADE, related_name="role_scopes")
    scope = models.CharField(_("data scope"), max_length=16, choices=Scope.choices)

    class Meta:
        verbose_name = _("menu data scope")
        verbose_name_plural = _("menu data scopes")
        constraints = [models.UniqueConstraint(fields=["role", "menu"], name="rbac_role_menu_scope_unique")]

    def __str__(self) -> str:
        return f"{self.role} / {self.menu}: {self.get_scope_display()}"


class RbacUserMixin(models.Model):
    """Abstract mixin for the project's user model: roles, and a version stamp.

    ``rbac_version`` is bumped whenever the user's effective permissions may have
    changed (their roles, or a role's permissions). The middleware compares it
    with the version cached in the session, so a change applies on the user's
    next request on every server process, at no extra query (the user row is
    loaded by the authentication middleware anyway).
    """

    roles = models.ManyToManyField(Role, verbose_name=_("roles"), blank=True, related_name="users")
    rbac_version = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        abstract = True
