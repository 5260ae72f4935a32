import datetime

import pytest
from django.urls import reverse

from tests.factories import ClassChangeFactory, ClassListFactory, CourseFactory, StudentFactory
from tests.permissions import grant_permissions
from tests.web.handlers.enrolment_helpers import class_teacher, english, messages_of, student_in_class  # noqa: F401
from web.models import ClassChange

pytestmark = pytest.mark.django_db

LIST = "stark:web_classchange_list"
ADD = "stark:web_classchange_add"
CHECK = "stark:web_classchange_check_list"
CONFIRM = "stark:web_classchange_check_multi_confirm"
REJECT = "stark:web_classchange_check_multi_reject"


@pytest.fixture
def teacher(client):
    user = class_teacher()
    grant_permissions(user, LIST, ADD, scope="own")
    client.force_login(user)
    return user


@pytest.fixture
def course():
    return CourseFactory(name="Python 全栈")


@pytest.fixture
def setup(teacher, course):
    klass = ClassListFactory(course=course, class_teacher=teacher)
    return student_in_class(klass), klass


def post_apply(client, student, data):
    return client.post(reverse(ADD, kwargs={"student_id": student.pk}), data)


def test_class_teacher_files_a_pending_application(client, teacher, setup):
    student, klass = setup
    target = ClassListFactory()
    response = post_apply(
        client, student, {"kind": "transfer", "from_class": klass.pk, "to_class": target.pk, "reason": "工作调动"}
    )
    assert response.status_code == 302
    change = ClassChange.objects.get()
    assert (change.student, change.applicant, change.status) == (student, teacher, ClassChange.Status.PENDING)
    assert list(student.class_list.all()) == [klass]
    assert "工作调动" in client.get(reverse(LIST, kwargs={"student_id": student.pk})).content.decode()


@pytest.mark.parametrize("case", ["same_class", "closed", "repeat_other_course"])
def test_invalid_applications_are_form_errors_that_keep_the_input(client, setup, course, case):
    student, klass = setup
    target = {
        "same_class": klass,
        "closed": ClassListFactory(graduate_date=datetime.date(2020, 6, 30)),
        "repeat_other_course": ClassListFactory(course=CourseFactory(name="Linux")),
    }[case]
    kind = "repeat" if case == "repeat_other_course" else "transfer"
    response = post_apply(
        client, student, {"kind": kind, "from_class": klass.pk, "to_class": target.pk, "reason": "保留的原因"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert "保留的原因" in response.content.decode()
    assert not ClassChange.objects.exists()


def test_student_outside_my_classes_gives_404(client, teacher):
    stranger = student_in_class()
    assert client.get(reverse(LIST, kwargs={"student_id": stranger.pk})).status_code == 404


@pytest.fixture
def admin(client):
    user = class_teacher("admin_a")
    grant_permissions(user, CHECK, CONFIRM, REJECT)
    client.force_login(user)
    return user


def test_approval_list_is_pending_by_default(client, admin):
    pending = ClassChangeFactory()
    ClassChangeFactory(status=ClassChange.Status.APPROVED)
    assert list(client.get(reverse(CHECK)).context["page"].object_list) == [pending]


@pytest.mark.usefixtures("english")
def test_batch_approve_moves_the_student_once(client, admin):
    student = student_in_class()
    from_class = student.class_list.get()
    to_class = ClassListFactory()
    change = ClassChangeFactory(student=student, from_class=from_class, to_class=to_class)
    response = client.post(reverse(CHECK), {"action": "multi_confirm", "pk": [change.pk], "confirm": "yes"})
    assert messages_of(response) == ["Approved 1 application."]
    assert list(student.class_list.all()) == [to_class]
    response = client.post(reverse(CONFIRM) + "?status=", {"pk": [change.pk], "confirm": "yes"})
    assert messages_of(response)[-1] == "Approved 0 applications. 1 was no longer pending and was left unchanged."
    assert list(student.class_list.all()) == [to_class]


@pytest.mark.usefixtures("english")
def test_approving_two_transfers_out_of_one_class_moves_once_and_says_why(client, admin):
    student = student_in_class()
    from_class = student.class_list.get()
    first, second = ClassListFactory(), ClassListFactory()
    changes = [ClassChangeFactory(student=student, from_class=from_class, to_class=k) for k in (first, second)]
    response = client.post(reverse(CHECK), {"action": "multi_confirm", "pk": [c.pk for c in changes], "confirm": "yes"})
    assert messages_of(response)[0] == "Approved 1 application."
    assert "1 application no longer fits the student's classes" in messages_of(response)[1]
    assert list(student.class_list.all()) == [first]


def test_batch_reject_keeps_the_class(client, admin):
    student = student_in_class()
    change = ClassChangeFactory(student=student, from_class=student.class_list.get())
    client.post(reverse(REJECT), {"pk": [change.pk], "confirm": "yes"})
    change.refresh_from_db()
    assert change.status == ClassChange.Status.REJECTED
    assert student.class_list.get() == change.from_class


def test_class_teacher_cannot_approve(client, teacher, setup):
    student, klass = setup
    change = ClassChangeFactory(student=student, from_class=klass)
    assert client.get(reverse(CHECK)).status_code == 403
    assert client.post(reverse(CONFIRM), {"pk": [change.pk], "confirm": "yes"}).status_code == 403


def test_approval_list_is_titled_as_its_menu_entry(client, teacher):
    grant_permissions(teacher, CHECK)
    ClassChangeFactory()
    response = client.get(reverse(CHECK))
    headers = [str(header["text"]) for header in response.context["headers"]]
    assert response.context["title"] == "转班/留级审批"
    assert "审批时间" in headers and "已确认" not in headers


def test_add_page_preselects_the_students_only_class_as_from_class(client, setup, course):
    student, klass = setup
    form = client.get(reverse(ADD, kwargs={"student_id": student.pk})).context["form"]
    assert form["from_class"].value() == klass.pk
    student.class_list.add(ClassListFactory(course=course))
    form = client.get(reverse(ADD, kwargs={"student_id": student.pk})).context["form"]
    assert form["from_class"].value() is None  # two classes: the teacher chooses


@pytest.mark.parametrize("action", ["multi_confirm", "multi_reject"])
def test_decision_first_shows_a_confirmation_page_and_changes_nothing(client, admin, action):
    student = student_in_class()
    change = ClassChangeFactory(student=student, from_class=student.class_list.get())
    response = client.post(reverse(CHECK), {"action": action, "pk": [change.pk]})
    assert response.status_code == 200
    assert str(student) in response.content.decode()
    change.refresh_from_db()
    assert change.status == ClassChange.Status.PENDING
    assert student.class_list.get() == change.from_class


def test_decision_remark_is_optional_stored_and_listed(client, admin):
    student = student_in_class()
    approved = ClassChangeFactory(student=student, from_class=student.class_list.get())
    rejected = ClassChangeFactory(student=StudentFactory())
    client.post(reverse(CHECK), {"action": "multi_confirm", "pk": [approved.pk], "confirm": "yes"})
    client.post(
        reverse(CHECK), {"action": "multi_reject", "pk": [rejected.pk], "confirm": "yes", "reason": "目标班级已满"}
    )
    approved.refresh_from_db()
    rejected.refresh_from_db()
    assert (approved.status, approved.decision_reason) == (ClassChange.Status.APPROVED, "")
    assert (rejected.status, rejected.decision_reason) == (ClassChange.Status.REJECTED, "目标班级已满")
    assert "目标班级已满" in client.get(reverse(CHECK), {"status": ""}).content.decode()


def test_decision_remark_over_200_characters_is_refused(client, admin):
    change = ClassChangeFactory()
    response = client.post(
        reverse(CHECK), {"action": "multi_reject", "pk": [change.pk], "confirm": "yes", "reason": "x" * 201}
    )
    assert response.context["form"].errors["reason"]
    change.refresh_from_db()
    assert change.status == ClassChange.Status.PENDING
