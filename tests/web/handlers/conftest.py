import pytest

from tests.permissions import grant_permissions
from tests.web.customers_support import CONSULTANT_PERMISSIONS, make_consultant


@pytest.fixture
def consultant1():
    """A sales consultant holding exactly the consultant role's URL names."""
    user = make_consultant("consultant1")
    grant_permissions(user, *CONSULTANT_PERMISSIONS)
    return user


@pytest.fixture
def consultant2():
    """A second consultant, to prove neither sees the other's customers."""
    user = make_consultant("consultant2")
    grant_permissions(user, *CONSULTANT_PERMISSIONS)
    return user
