"""No 500 on an id beyond the database's range, wherever it reaches a query (issue 16 finding 2)."""

import pytest
from django.urls import reverse

from tests.factories import ClassListFactory, CourseFactory, CustomerFactory, UserFactory
from tests.web.handlers.base_pages import login_with
from web.models import Customer

pytestmark = pytest.mark.django_db

HUGE = [str(2**63), str(10**30), str(2**64 + 1), "-" + str(2**63 + 1)]


@pytest.mark.parametrize("value", HUGE)
def test_ops_adding_a_customer_with_a_huge_course_id_gets_a_form_error(client, value):
    login_with(client, UserFactory(), "stark:web_customer_pub_add")
    course = CourseFactory()
    data = {"name": "张三", "qq": "123456789", "gender": "male", "source": "qq", "course": [course.pk, value]}
    data.update(education="本科", date="2026-11-01")
    response = client.post(reverse("stark:web_customer_pub_add"), data)
    assert response.status_code == 200
    assert "course" in response.context["form"].errors
    assert not Customer.objects.exists()


@pytest.mark.parametrize("value", HUGE)
def test_a_class_with_a_huge_tech_teacher_id_is_a_form_error(client, value):
    login_with(client, UserFactory(), "stark:web_classlist_add")
    response = client.post(reverse("stark:web_classlist_add"), {"tech_teachers": [value], "semester": "1"})
    assert response.status_code == 200
    assert "tech_teachers" in response.context["form"].errors


@pytest.mark.parametrize("field", ["roles", "permissions"])
@pytest.mark.parametrize("value", HUGE)
def test_rbac_assignment_with_a_huge_role_or_permission_id_is_refused_without_a_500(client, field, value):
    from rbac.models import Role

    admin = UserFactory()
    login_with(client, admin, "rbac:distribute_permissions")
    role = Role.objects.create(title="测试角色")
    url = reverse("rbac:distribute_permissions") + f"?uid={admin.pk}&rid={role.pk}"
    response = client.post(url, {field: [value]})
    assert response.status_code == 200
    assert field in response.context["form"].errors


@pytest.mark.parametrize("value", HUGE)
def test_huge_ids_in_paths_are_404(client, value):
    login_with(
        client, UserFactory(), "stark:web_customer_pub_change", "stark:web_consultrecord_list", "rbac:role_change"
    )
    assert client.get(f"/stark/web/customer/pub/{value.lstrip('-')}/change/").status_code == 404
    assert client.get(f"/stark/web/consultrecord/{value.lstrip('-')}/list/").status_code == 404
    assert client.get(f"/rbac/role/{value.lstrip('-')}/change/").status_code == 404


@pytest.mark.parametrize("value", HUGE)
def test_huge_ids_in_list_filters_and_batch_actions_are_no_500(client, value):
    user = UserFactory()
    login_with(
        client, user, "stark:web_customer_pub_list", "stark:web_customer_pub_multi_claim", "stark:web_classlist_list"
    )
    CustomerFactory()
    ClassListFactory()
    assert client.get(reverse("stark:web_customer_pub_list"), {"course": value}).status_code == 200
    assert client.get(reverse("stark:web_classlist_list"), {"course": value, "school": value}).status_code == 200
    response = client.post(reverse("stark:web_customer_pub_list"), {"action": "multi_claim", "pk": [value]})
    assert response.status_code == 302
