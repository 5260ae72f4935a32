"""A host project's user model for rbac: Django's user plus rbac's mixin (roles, rbac_version)."""

from django.contrib.auth.models import AbstractUser

from rbac.models import RbacUserMixin


class User(RbacUserMixin, AbstractUser):
    pass
