"""The CRM's data model (DESIGN.md §3)."""

from django.contrib.auth.models import AbstractUser
from django.db import models, router, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from rbac.models import RbacUserMixin
from web.fields import PinyinSortKeyField


class Gender(models.TextChoices):
    MALE = "male", _("male")
    FEMALE = "female", _("female")


class School(models.Model):
    """A campus (校区)."""

    title = models.CharField(_("campus"), max_length=32, unique=True)

    class Meta:
        verbose_name = _("campus")
        verbose_name_plural = _("campuses")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.title


class Department(models.Model):
    class Kind(models.TextChoices):
        SALES = "sales", _("sales")
        OPERATIONS = "operations", _("operations")
        FINANCE = "finance", _("finance")
        TEACHING_QUALITY = "teaching_quality", _("teaching quality")
        TEACHING = "teaching", _("teaching")
        OTHER = "other", _("other")

    title = models.CharField(_("department"), max_length=32, unique=True)
    #: What the department does; class forms limit teacher choices by it.
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OTHER)

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.title


class UserInfo(RbacUserMixin, AbstractUser):
    """A staff member; the project's AUTH_USER_MODEL."""

    name = models.CharField(_("real name"), max_length=32, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    gender = models.CharField(_("gender"), max_length=8, choices=Gender.choices, blank=True)
    depart = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
    )

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name or self.username


class Course(models.Model):
    name = models.CharField(_("course"), max_length=32, unique=True)

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


#: Who may be a class teacher (班主任) / a teacher of a class.
CLASS_TEACHER_CHOICES = Q(depart__kind=Department.Kind.TEACHING_QUALITY, is_active=True)
TEACHER_CHOICES = Q(depart__kind=Department.Kind.TEACHING, is_active=True)


class ClassList(models.Model):
    """A class (班级): one semester of a course at a campus."""

    school = models.ForeignKey(School, verbose_name=_("campus"), on_delete=models.PROTECT, related_name="classes")
    course = models.ForeignKey(Course, verbose_name=_("course"), on_delete=models.PROTECT, related_name="classes")
    semester = models.PositiveIntegerField(_("semester"))
    price = models.DecimalField(_("price"), max_digits=10, decimal_places=2)
    start_date = models.DateField(_("start date"))
    graduate_date = models.DateField(_("graduation date"), null=True, blank=True)
    class_teacher = models.ForeignKey(
        UserInfo,
        verbose_name=_("class teacher"),
        on_delete=models.PROTECT,
        related_name="classes_as_class_teacher",
        limit_choices_to=CLASS_TEACHER_CHOICES,
    )
    tech_teachers = models.ManyToManyField(
        UserInfo,
        verbose_name=_("teachers"),
        blank=True,
        related_name="classes_as_teacher",
        limit_choices_to=TEACHER_CHOICES,
    )
    memo = models.TextField(_("memo"), blank=True)

    class Meta:
        verbose_name = _("class")
        verbose_name_plural = _("classes")
        ordering = ["-start_date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["course", "semester", "school"],
                name="uniq_class_course_semester_school",
                violation_error_message=_("This course already has a class of this semester at this campus."),
            )
        ]

    def __str__(self) -> str:
        # Course and semester alone do not tell two campuses' classes apart. Lists, selects and
        # filters load course and school with the class (select_related), so this costs no query.
        return _("%(course)s (semester %(semester)s) · %(school)s") % {
            "course": self.course,
            "semester": self.semester,
            "school": self.school,
        }


class Customer(models.Model):
    """A prospective or signed customer. consultant is null ⇔ in the public pool."""

    class Status(models.TextChoices):
        SIGNED = "signed", _("signed")
        UNSIGNED = "unsigned", _("unsigned")

    class Source(models.TextChoices):
        QQ_GROUP = "qq_group", _("QQ group")
        REFERRAL = "referral", _("in-house referral")
        WEBSITE = "website", _("official website")
        PAID_SEARCH = "paid_search", _("paid search")
        OFFICE_VISIT = "office_visit", _("office visit")
        WECHAT = "wechat", _("WeChat")
        PUBLIC_CLASS = "public_class", _("public class")
        OTHER = "other", _("other")

    class Education(models.TextChoices):
        DOCTOR = "doctor", _("doctorate")
        MASTER = "master", _("master")
        BACHELOR = "bachelor", _("bachelor")
        COLLEGE = "college", _("college")
        HIGH_SCHOOL = "high_school", _("high school")
        OTHER = "other", _("other")

    class Experience(models.TextChoices):
        STUDENT = "student", _("in school")
        FRESH = "fresh", _("fresh graduate")
        UNDER_1 = "under_1", _("under 1 year")
        Y1_3 = "1_3", _("1 to 3 years")
        Y3_5 = "3_5", _("3 to 5 years")
        OVER_5 = "over_5", _("over 5 years")

    class WorkStatus(models.TextChoices):
        EMPLOYED = "employed", _("employed")
        UNEMPLOYED = "unemployed", _("unemployed")

    name = models.CharField(_("name"), max_length=32)
    #: What the name column sorts by: the name's pinyin (web.fields), kept by every save.
    name_pinyin = PinyinSortKeyField(_("name (pinyin)"), source="name")
    qq = models.CharField(
        _("QQ"), max_length=64, unique=True, error_messages={"unique": _("A customer with this QQ already exists.")}
    )
    # Optional contacts, unique when given. NULL (not "") when empty: a unique index allows any
    # number of NULLs on SQLite and MariaDB alike, so no conditional constraint is needed.
    mobile = models.CharField(
        _("mobile"),
        max_length=11,
        null=True,
        blank=True,
        unique=True,
        error_messages={"unique": _("A customer with this mobile number already exists.")},
    )
    wechat = models.CharField(
        _("WeChat"),
        max_length=32,
        null=True,
        blank=True,
        unique=True,
        error_messages={"unique": _("A customer with this WeChat ID already exists.")},
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.UNSIGNED)
    gender = models.CharField(_("gender"), max_length=8, choices=Gender.choices)
    source = models.CharField(_("source"), max_length=16, choices=Source.choices, default=Source.QQ_GROUP)
    referral_from = models.ForeignKey(
        "self",
        verbose_name=_("referred by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="referrals",
    )
    course = models.ManyToManyField(Course, verbose_name=_("courses of interest"), blank=True, related_name="customers")
    education = models.CharField(_("education"), max_length=16, choices=Education.choices, blank=True)
    graduation_school = models.CharField(_("graduated from"), max_length=64, blank=True)
    major = models.CharField(_("major"), max_length=64, blank=True)
    experience = models.CharField(_("work experience"), max_length=16, choices=Experience.choices, blank=True)
    work_status = models.CharField(_("work status"), max_length=16, choices=WorkStatus.choices, blank=True)
    company = models.CharField(_("company"), max_length=64, blank=True)
    salary = models.CharField(_("salary"), max_length=64, blank=True)
    date = models.DateField(_("entered"), default=timezone.localdate)
    last_consult_date = models.DateField(_("last follow-up"), null=True, blank=True)
    #: Issue 12: when the consultant means to follow up next (set with a follow-up; the ``due`` filter).
    next_consult_date = models.DateField(_("next follow-up"), null=True, blank=True)
    #: Issue 12: the day the current consultant took the customer (claim, assignment, reassignment);
    #: null in the public pool. The automatic return counts from it.
    recv_date = models.DateField(_("taken on"), null=True, blank=True)
    consultant = models.ForeignKey(
        UserInfo,
        verbose_name=_("consultant"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="customers",
    )

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["-id"]
        indexes = [
            # The cap check counts a consultant's unsigned customers on every claim (the first two
            # columns); a pool list filtered by status and source counts its rows in the index alone.
            models.Index(fields=["consultant", "status", "source"], name="customer_pool_status_source"),
            models.Index(fields=["date"], name="customer_date"),
            # Each pool's list, newest first: WHERE consultant_id = X (or IS NULL) ORDER BY date DESC, id DESC
            # reads the index backwards and stops after one page, and deep pages skip rows in the index.
            models.Index(fields=["consultant", "date", "id"], name="customer_pool_date"),
            # Sorting a pool by name: the page's ids come from this index alone (no row reads).
            models.Index(fields=["consultant", "name", "date", "id"], name="customer_pool_name"),
            # A pool filtered by gender (and source): its capped count reads this index alone.
            models.Index(fields=["consultant", "gender", "source"], name="customer_pool_gender_source"),
            # Issue 12: the private pool's ``due`` filter and its next-follow-up column, sorted.
            models.Index(fields=["consultant", "next_consult_date", "id"], name="customer_pool_next_consult"),
            # The automatic return walks private customers by the day they were taken.
            models.Index(fields=["recv_date", "id"], name="customer_recv_date"),
            # The dashboards' entered-per-week and per-source funnel, read from the index alone.
            models.Index(fields=["date", "source", "status", "consultant"], name="customer_date_funnel"),
            # The same for the name column's pinyin order.
            models.Index(fields=["consultant", "name_pinyin", "date", "id"], name="customer_pool_name_pinyin"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        # The sort key is written with the name; an update of the name alone must carry it.
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields and "name_pinyin" not in update_fields:
            kwargs["update_fields"] = [*update_fields, "name_pinyin"]
        # The search index (web/search.py) is written in the same transaction as the row.
        from web.search import customer_index

        with transaction.atomic(using=kwargs.get("using") or router.db_for_write(Customer, instance=self)):
            super().save(*args, **kwargs)
            customer_index.index_instance(self, kwargs.get("update_fields"))


class ConsultRecord(models.Model):
    """A follow-up (跟进记录) written by a consultant about a customer."""

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="consult_records"
    )
    consultant = models.ForeignKey(
        UserInfo, verbose_name=_("consultant"), on_delete=models.PROTECT, related_name="consult_records"
    )
    note = models.TextField(_("note"))
    date = models.DateField(_("date"), default=timezone.localdate)

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["-date", "-id"]
        indexes = [
            # Issue 12: the manager's dashboard counts this week's follow-ups per consultant.
            models.Index(fields=["date", "consultant"], name="consult_record_date"),
        ]

    def __str__(self) -> str:
        return f"{self.customer} {self.date}"


class PaymentRecord(models.Model):
    """A payment application (缴费申请), confirmed or rejected by finance."""

    class PayType(models.TextChoices):
        ENROLMENT_FEE = "enrolment_fee", _("enrolment fee")
        TUITION = "tuition", _("tuition")
        WITHDRAWAL = "withdrawal", _("withdrawal refund")
        OTHER = "other", _("other")

    class ConfirmStatus(models.TextChoices):
        PENDING = "pending", _("pending")
        CONFIRMED = "confirmed", _("confirmed")
        REJECTED = "rejected", _("rejected")

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="payments"
    )
    consultant = models.ForeignKey(
        UserInfo, verbose_name=_("consultant"), on_delete=models.PROTECT, related_name="payments"
    )
    pay_type = models.CharField(_("type"), max_length=16, choices=PayType.choices, default=PayType.ENROLMENT_FEE)
    #: Exact money: a Decimal in yuan, never a float.
    paid_fee = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    class_list = models.ForeignKey(
        ClassList, verbose_name=_("class"), on_delete=models.PROTECT, related_name="payments"
    )
    apply_date = models.DateTimeField(_("applied"), default=timezone.now)
    confirm_status = models.CharField(
        _("status"), max_length=10, choices=ConfirmStatus.choices, default=ConfirmStatus.PENDING, db_index=True
    )
    confirm_date = models.DateTimeField(_("confirmed"), null=True, blank=True)
    confirm_user = models.ForeignKey(
        UserInfo,
        verbose_name=_("confirmed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="confirmed_payments",
    )
    # Not the follow-up's "note" (跟进内容): a remark on the payment, translated on its own.
    note = models.TextField(pgettext_lazy("payment application", "note"), blank=True)
    #: Why finance rejected the application (required when rejecting; shown to the consultant).
    reject_reason = models.CharField(_("reason for rejection"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("payment application")
        verbose_name_plural = _("payment applications")
        ordering = ["-apply_date", "-id"]
        indexes = [
            # The approval list, newest first, all of them or one status (pending by default).
            models.Index(fields=["apply_date", "id"], name="payment_applied"),
            models.Index(fields=["confirm_status", "apply_date", "id"], name="payment_status_applied"),
            # Issue 12, the dashboards, each read from the index alone: finance sums the pending ones
            # and those decided this month per class.
            models.Index(fields=["confirm_status", "class_list", "paid_fee"], name="payment_status_class_fee"),
            models.Index(fields=["confirm_date", "confirm_status", "class_list", "paid_fee"], name="payment_decided"),
            # The consultant's dashboard: their applications per status, from the index alone.
            models.Index(fields=["consultant", "confirm_status", "customer"], name="payment_consultant_status"),
        ]

    def __str__(self) -> str:
        return f"{self.customer} {self.get_pay_type_display()} {self.paid_fee}"


class Student(models.Model):
    class Status(models.TextChoices):
        APPLYING = "applying", _("applying")
        STUDYING = "studying", _("studying")
        GRADUATED = "graduated", _("graduated")
        WITHDRAWN = "withdrawn", _("withdrawn")

    customer = models.OneToOneField(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="student"
    )
    qq = models.CharField(_("QQ"), max_length=64)
    mobile = models.CharField(_("mobile"), max_length=32)
    emergency_contract = models.CharField(_("emergency contact"), max_length=64)
    class_list = models.ManyToManyField(ClassList, verbose_name=_("classes"), blank=True, related_name="students")
    student_status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.APPLYING)
    score = models.IntegerField(_("score"), default=100)
    memo = models.TextField(_("memo"), blank=True)

    class Meta:
        verbose_name = _("student")
        verbose_name_plural = _("students")
        ordering = ["-id"]

    def __str__(self) -> str:
        return str(self.customer)


class ScoreRecord(models.Model):
    student = models.ForeignKey(
        Student, verbose_name=_("student"), on_delete=models.CASCADE, related_name="score_records"
    )
    content = models.TextField(_("reason"))
    score = models.IntegerField(_("points"), help_text=_("Positive to add points, negative to deduct."))
    user = models.ForeignKey(
        UserInfo, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="score_records"
    )
    date = models.DateTimeField(_("date"), default=timezone.now)

    class Meta:
        verbose_name = _("score record")
        verbose_name_plural = _("score records")
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.student} {self.score:+d}"


class CourseRecord(models.Model):
    """One lesson (上课记录) of a class."""

    class_object = models.ForeignKey(
        ClassList, verbose_name=_("class"), on_delete=models.PROTECT, related_name="course_records"
    )
    day_num = models.PositiveIntegerField(_("lesson number"))
    teacher = models.ForeignKey(
        UserInfo, verbose_name=_("teacher"), on_delete=models.PROTECT, related_name="course_records"
    )
    date = models.DateField(_("date"), default=timezone.localdate)

    class Meta:
        verbose_name = _("course record")
        verbose_name_plural = _("course records")
        ordering = ["class_object", "day_num"]
        constraints = [
            models.UniqueConstraint(
                fields=["class_object", "day_num"],
                name="uniq_course_record_class_day",
                violation_error_message=_("This class already has a course record with this lesson number."),
            )
        ]

    def __str__(self) -> str:
        return _("%(class)s lesson %(day)s") % {"class": self.class_object, "day": self.day_num}


class StudyRecord(models.Model):
    """Attendance (考勤) of one student at one lesson."""

    class Record(models.TextChoices):
        CHECKED_IN = "checked", _("checked in")
        VACATE = "vacate", _("on leave")
        LATE = "late", _("late")
        ABSENT = "noshow", _("absent")
        LEAVE_EARLY = "leave_early", _("left early")

    course_record = models.ForeignKey(
        CourseRecord, verbose_name=_("lesson"), on_delete=models.CASCADE, related_name="study_records"
    )
    student = models.ForeignKey(
        Student, verbose_name=_("student"), on_delete=models.CASCADE, related_name="study_records"
    )
    record = models.CharField(_("attendance"), max_length=16, choices=Record.choices, default=Record.CHECKED_IN)

    class Meta:
        verbose_name = _("attendance record")
        verbose_name_plural = _("attendance records")
        ordering = ["course_record", "student"]
        constraints = [
            models.UniqueConstraint(fields=["course_record", "student"], name="uniq_study_record_lesson_student")
        ]

    def __str__(self) -> str:
        return f"{self.course_record} {self.student}"


class TalkRecord(models.Model):
    """A class teacher's talk (谈话记录) with a student."""

    student = models.ForeignKey(
        Student, verbose_name=_("student"), on_delete=models.CASCADE, related_name="talk_records"
    )
    teacher = models.ForeignKey(
        UserInfo, verbose_name=_("teacher"), on_delete=models.PROTECT, related_name="talk_records"
    )
    date = models.DateField(_("date"), default=timezone.localdate)
    topic = models.CharField(_("topic"), max_length=64)
    content = models.TextField(_("content"))

    class Meta:
        verbose_name = _("talk record")
        verbose_name_plural = _("talk records")
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return self.topic


class ClassChange(models.Model):
    """A transfer (转班) or repeat (留级) application, approved by an administrator."""

    class Kind(models.TextChoices):
        TRANSFER = "transfer", _("transfer")
        REPEAT = "repeat", _("repeat")

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("rejected")

    student = models.ForeignKey(
        Student, verbose_name=_("student"), on_delete=models.CASCADE, related_name="class_changes"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.TRANSFER)
    from_class = models.ForeignKey(ClassList, verbose_name=_("from class"), on_delete=models.PROTECT, related_name="+")
    to_class = models.ForeignKey(ClassList, verbose_name=_("to class"), on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("reason"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True)
    applicant = models.ForeignKey(UserInfo, verbose_name=_("applicant"), on_delete=models.PROTECT, related_name="+")
    apply_date = models.DateTimeField(_("applied"), default=timezone.now)
    confirm_user = models.ForeignKey(
        UserInfo, verbose_name=_("confirmed by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    confirm_date = models.DateTimeField(_("confirmed"), null=True, blank=True)
    #: The approver's optional remark on the decision (approval or rejection).
    decision_reason = models.CharField(_("decision remark"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("class change application")
        verbose_name_plural = _("class change applications")
        ordering = ["-apply_date", "-id"]

    def __str__(self) -> str:
        return f"{self.student} {self.get_kind_display()}"


class CustomerImport(models.Model):
    """A spreadsheet of leads uploaded for import into the public pool, kept until it is confirmed
    (then deleted) or for at most a day. In the database, never under a public URL; only its
    uploader may preview or confirm it."""

    uploader = models.ForeignKey(
        UserInfo, verbose_name=_("uploaded by"), on_delete=models.CASCADE, related_name="customer_imports"
    )
    created = models.DateTimeField(_("uploaded"), default=timezone.now, db_index=True)
    filename = models.CharField(_("file name"), max_length=255)
    content = models.BinaryField(_("content"))
    #: The source the upload page chose; every imported customer gets it.
    source = models.CharField(_("source"), max_length=16, choices=Customer.Source.choices)

    class Meta:
        verbose_name = _("customer import")
        verbose_name_plural = _("customer imports")
        ordering = ["-created", "-id"]

    def __str__(self) -> str:
        return self.filename


# --- issue 16: security -------------------------------------------------------------------------
class UserSession(models.Model):
    """One logged-in session of a staff member, so they can see and end their other sessions.

    Django's session table is not indexed by user (and the session backend may be a cache),
    so each login records its session key here; the session data itself stays in the backend.
    """

    user = models.ForeignKey(UserInfo, verbose_name=_("user"), on_delete=models.CASCADE, related_name="sessions")
    session_key = models.CharField(_("session key"), max_length=40, unique=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=255, blank=True)
    created = models.DateTimeField(_("logged in at"), default=timezone.now)
    last_seen = models.DateTimeField(_("last seen"), default=timezone.now)

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["-last_seen", "-id"]

    def __str__(self) -> str:
        return f"{self.user} @ {self.ip_address or '-'}"


class ConsultantPoolGuard(models.Model):
    """One row per consultant, written by every change that can raise their private pool's count.

    Not business data: the row exists so that concurrent claims for one consultant write a common
    row. One server queues them on its lock; a Galera cluster lets one commit and aborts the
    others at certification (see ``web.services.locks``).
    """

    consultant = models.OneToOneField(
        UserInfo, primary_key=True, on_delete=models.CASCADE, related_name="+", verbose_name=_("consultant")
    )
    #: How many guarded writes ran; only its change matters.
    writes = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("private pool guard")
        verbose_name_plural = _("private pool guards")

    def __str__(self) -> str:
        return f"guard of consultant {self.consultant_id}"


# ---------------------------------------------------------------------------------------------
# Issue 12: a customer's history (客户动态). Written only by web.services.events, inside the
# transaction of the change it records.
class CustomerEvent(models.Model):
    """One thing that happened to a customer: the customer page's timeline reads these."""

    class Kind(models.TextChoices):
        ENTERED = "entered", _("entered")
        IMPORTED = "imported", _("imported")
        CLAIMED = "claimed", _("claimed")
        ASSIGNED = "assigned", _("assigned")
        REASSIGNED = "reassigned", _("reassigned")
        RELEASED = "released", _("released")
        RETURNED = "returned", _("returned to the pool")
        EDITED = "edited", _("edited")
        FOLLOWED_UP = "followed_up", _("followed up")
        PAYMENT_APPLIED = "payment_applied", _("payment applied")
        PAYMENT_CONFIRMED = "payment_confirmed", _("payment confirmed")
        PAYMENT_REJECTED = "payment_rejected", _("payment rejected")
        ENROLLED = "enrolled", _("enrolled")
        SIGNED = "signed", _("signed")

    customer = models.ForeignKey(Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    #: Who did it; null when the system did (the automatic return).
    actor = models.ForeignKey(
        UserInfo, verbose_name=_("by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    #: The consultant the event is about: who got the customer (claimed, assigned, reassigned) or
    #: lost it (released, returned). The claim rules and the dashboards count by it.
    consultant = models.ForeignKey(
        UserInfo, verbose_name=_("consultant"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    #: Facts of the event as plain values (ids, names, amounts, reasons); shown escaped.
    detail = models.JSONField(_("detail"), default=dict, blank=True)

    class Meta:
        verbose_name = _("customer event")
        verbose_name_plural = _("customer events")
        ordering = ["-at", "-id"]
        indexes = [
            # The customer page's timeline, newest first.
            models.Index(fields=["customer", "at", "id"], name="customer_event_timeline"),
            # Dashboards count events of one kind over a period (claimed / signed per week); the
            # lists behind them take the customers of such events from this index alone.
            models.Index(fields=["kind", "at", "customer"], name="customer_event_kind_at"),
            # The daily claim limit and the per-consultant figures: one consultant's events of a kind.
            models.Index(fields=["consultant", "kind", "at"], name="customer_event_consultant"),
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"


class DailyFigure(models.Model):
    """Issue 12: the manager's funnel rolled up per day, so the dashboard sums a few hundred rows
    instead of counting a quarter's customers and events (``web.services.figures``).

    ``n`` is how many customers entered on ``day`` (``kind`` ``entered``: by the customer's entry
    date, whoever entered them; ``consultant_id`` 0) or how many events of ``kind`` (claimed,
    assigned, signed) happened on that local day for customers of ``source``, per consultant. Kept
    in the transaction of the change by the event helper; ``manage.py rollup_daily_figures``
    rebuilds or verifies it from the customers and their events.
    """

    #: The kinds counted; ``entered`` also counts imported customers.
    KINDS = ("entered", "claimed", "assigned", "signed")

    day = models.DateField(pgettext_lazy("daily figure", "day"))
    kind = models.CharField(_("kind"), max_length=24)
    source = models.CharField(_("source"), max_length=16)
    #: The consultant the events name (0: none); a plain number, not a key, so 0 can be part of
    #: the unique key (NULLs never collide in a unique index).
    consultant_id = models.PositiveIntegerField(_("consultant"), default=0)
    n = models.IntegerField(pgettext_lazy("daily figure", "count"), default=0)

    class Meta:
        verbose_name = _("daily figure")
        verbose_name_plural = _("daily figures")
        constraints = [
            models.UniqueConstraint(fields=["kind", "day", "source", "consultant_id"], name="daily_figure_key"),
        ]
        indexes = [
            # The dashboard's read: the kinds' days of 12 weeks summed per day and source, index alone.
            models.Index(fields=["kind", "day", "source", "n"], name="daily_figure_sum"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.kind} {self.source} {self.consultant_id}: {self.n}"


class Notification(models.Model):
    """Issue 12: an in-app notice to one user (the bell in the top bar). Written by services in the
    transaction of the change it tells about; ``text`` is in the site's language, ``link`` a local path."""

    user = models.ForeignKey(UserInfo, verbose_name=_("user"), on_delete=models.CASCADE, related_name="notifications")
    text = models.CharField(_("text"), max_length=500)
    link = models.CharField(_("link"), max_length=300, blank=True)
    created = models.DateTimeField(_("created"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created", "-id"]
        indexes = [
            # The bell's unread count and the list, newest first, of one user.
            models.Index(fields=["user", "read_at", "created"], name="notification_user_unread"),
            models.Index(fields=["user", "created", "id"], name="notification_user_list"),
        ]

    def __str__(self) -> str:
        return self.text


class PublicPoolDay(models.Model):
    """How many customers of the public pool entered on each day, as rows of +1 and -1.

    Not business data: database triggers on the customer table (``web.public_pool_triggers``,
    created by migration 0012 and checked after every migrate) add a row in the
    same transaction as every write that puts a customer into the public pool or takes one out
    (creation, claim, assignment, return, deletion, a change of the entry date; through the ORM,
    bulk inserts and raw SQL alike). Page 20,000 of the public pool then starts from the day its
    first row lies in instead of walking 400,000 index entries (``web.selectors.public_pool_days``).

    Rows are only ever inserted by the triggers, so concurrent claims never wait for one another
    here and a Galera cluster sees no conflicting writes; ``compact_public_pool_days`` now and
    then replaces the rows of each day by their sum.
    """

    date = models.DateField(_("entered"))
    delta = models.IntegerField()

    class Meta:
        verbose_name = _("public pool day")
        verbose_name_plural = _("public pool days")
        indexes = [
            # The sums per day are read from this index alone, newest day first.
            models.Index(fields=["date", "delta"], name="public_pool_day"),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.delta:+d}"
