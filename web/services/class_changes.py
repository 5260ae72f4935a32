"""Class transfer (转班) and repeat (留级) applications (DESIGN.md §4 rule 8)."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from stark.utils import clean_pks
from web.audit import audit_event
from web.models import ClassChange, ClassList, Student, UserInfo
from web.services.locks import retry_on_conflict, run_with_retry


@dataclass(frozen=True)
class ClassChangeDecisionResult:
    changed: int
    requested: int
    #: Pending applications left pending because they no longer fit (see ``class_change_approve``).
    stale: int = 0

    @property
    def skipped(self) -> int:
        """Applications that were no longer pending."""
        return self.requested - self.changed - self.stale


def classes_open(*, today=None) -> QuerySet[ClassList]:
    """Classes a student can still join: not graduated yet."""
    today = today or timezone.localdate()
    return ClassList.objects.filter(Q(graduate_date__isnull=True) | Q(graduate_date__gt=today))


def class_change_validate(*, student: Student, kind: str, from_class: ClassList, to_class: ClassList) -> None:
    """Raise ValidationError (keyed by form field) unless the application makes sense."""
    if kind not in ClassChange.Kind.values:
        raise ValidationError({"kind": _("Unknown kind of application.")}, code="kind")
    if not student.class_list.filter(pk=from_class.pk).exists():
        raise ValidationError({"from_class": _("The student is not in this class.")}, code="not_member")
    if to_class.pk == from_class.pk:
        raise ValidationError({"to_class": _("The target class must differ from the current class.")}, code="same")
    if student.class_list.filter(pk=to_class.pk).exists():
        raise ValidationError({"to_class": _("The student is already in this class.")}, code="member")
    if not classes_open().filter(pk=to_class.pk).exists():
        raise ValidationError({"to_class": _("This class has already graduated.")}, code="closed")
    if kind == ClassChange.Kind.REPEAT and to_class.course_id != from_class.course_id:
        raise ValidationError({"to_class": _("A repeat must stay in the same course.")}, code="course")


@retry_on_conflict
@transaction.atomic
def class_change_apply(
    *, applicant: UserInfo, student: Student, kind: str, from_class: ClassList, to_class: ClassList, reason: str
) -> ClassChange:
    """File a pending transfer or repeat application for ``student``."""
    class_change_validate(student=student, kind=kind, from_class=from_class, to_class=to_class)
    return ClassChange.objects.create(
        student=student, kind=kind, from_class=from_class, to_class=to_class, reason=reason, applicant=applicant
    )


#: Longest remark on a decision (the column's length).
DECISION_REASON_MAX_LENGTH = ClassChange._meta.get_field("decision_reason").max_length


def clean_decision_reason(reason: str | None) -> str:
    """The optional remark without surrounding blanks; ``ValidationError`` when over 200 characters."""
    reason = (reason or "").strip()
    if len(reason) > DECISION_REASON_MAX_LENGTH:
        raise ValidationError(
            {"reason": _("The reason can have at most %(max)d characters.") % {"max": DECISION_REASON_MAX_LENGTH}},
            code="max_length",
        )
    return reason


def class_change_approve(
    *, confirm_user: UserInfo, change_ids: Iterable[int], reason: str = ""
) -> ClassChangeDecisionResult:
    """Approve the pending applications among ``change_ids``, each in its own transaction.

    The student's row is locked first, so decisions about one student happen one after the
    other; then the application is re-read under that lock and must still be pending (a second
    approval, concurrent or not, moves nobody twice) and must still make sense: two transfers
    out of the same class cannot both be approved, nor one into a class that has graduated
    since. Such a stale application stays pending and is counted in ``stale``.
    """
    reason = clean_decision_reason(reason)
    ids = sorted(clean_pks(ClassChange, change_ids))
    outcomes = [run_with_retry(_approve_one, confirm_user=confirm_user, change_id=pk, reason=reason) for pk in ids]
    return ClassChangeDecisionResult(
        changed=outcomes.count("changed"), requested=len(ids), stale=outcomes.count("stale")
    )


@transaction.atomic
def _approve_one(*, confirm_user: UserInfo, change_id: int, reason: str = "") -> str:
    """Approve one application: "changed", "stale" (left pending) or "skipped" (not pending).

    On one server the student's row lock orders decisions about one student. On Galera the
    writes conflict instead: the application row (decided once) and the membership rows of the
    student in both classes (a student joins a class once, leaves it once).
    """
    student_id = ClassChange.objects.filter(pk=change_id).values_list("student_id", flat=True).first()
    if student_id is None:
        return "skipped"
    student = Student.objects.select_for_update().get(pk=student_id)
    change = ClassChange.objects.filter(pk=change_id, status=ClassChange.Status.PENDING).first()
    if change is None:
        return "skipped"
    try:
        class_change_validate(student=student, kind=change.kind, from_class=change.from_class, to_class=change.to_class)
    except ValidationError:
        return "stale"
    ClassChange.objects.filter(pk=change_id).update(
        status=ClassChange.Status.APPROVED,
        confirm_user=confirm_user,
        confirm_date=timezone.now(),
        decision_reason=reason,
    )
    student.class_list.remove(change.from_class_id)
    student.class_list.add(change.to_class_id)
    audit_event(event="class_change_approved", actor=confirm_user, target=change)  # issue 16
    return "changed"


@retry_on_conflict
def class_change_reject(
    *, confirm_user: UserInfo, change_ids: Iterable[int], reason: str = ""
) -> ClassChangeDecisionResult:
    """Reject the pending applications among ``change_ids``; memberships stay as they are."""
    reason = clean_decision_reason(reason)
    ids = sorted(clean_pks(ClassChange, change_ids))
    with transaction.atomic():
        pending = list(ClassChange.objects.select_for_update().filter(pk__in=ids, status=ClassChange.Status.PENDING))
        changed = ClassChange.objects.filter(pk__in=[c.pk for c in pending]).update(
            status=ClassChange.Status.REJECTED,
            confirm_user=confirm_user,
            confirm_date=timezone.now(),
            decision_reason=reason,
        )
        for change in pending:  # issue 16: the audit trail
            audit_event(event="class_change_rejected", actor=confirm_user, target=change)
    return ClassChangeDecisionResult(changed=changed, requested=len(ids))
