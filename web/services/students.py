"""Students and their score (积分) records (DESIGN.md §4 rule 7)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from web.models import ScoreRecord, Student, UserInfo
from web.services.locks import retry_on_conflict

#: The largest number of points one record may add or deduct.
SCORE_DELTA_LIMIT = 100


def score_delta_validate(score: int) -> None:
    """Raise ValidationError unless ``score`` is a non-zero delta within the limit."""
    if score == 0:
        raise ValidationError(_("The points must not be zero."), code="zero")
    if abs(score) > SCORE_DELTA_LIMIT:
        raise ValidationError(
            _("At most %(limit)s points can be added or deducted at once."),
            code="bound",
            params={"limit": SCORE_DELTA_LIMIT},
        )


@retry_on_conflict
@transaction.atomic
def score_record_add(*, student: Student, user: UserInfo, content: str, score: int) -> ScoreRecord:
    """Record a signed score delta and add it to the student's score in the same transaction.

    The score is changed with an F-expression (``score = score + delta``) evaluated by the
    database, so two teachers adding records at once never lose a delta.
    """
    try:
        score_delta_validate(score)
    except ValidationError as error:
        raise ValidationError({"score": error.error_list}) from error
    # Update the student first: the UPDATE takes the row's exclusive lock, so concurrent
    # recorders queue here. Inserting the record first would take a shared lock on the
    # student (the foreign-key check) and two transactions would deadlock upgrading it.
    Student.objects.filter(pk=student.pk).update(score=F("score") + score)
    return ScoreRecord.objects.create(student=student, user=user, content=content, score=score)
