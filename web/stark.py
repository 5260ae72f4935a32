"""The CRM's pages: each model registered with stark, one handler module per model or flow."""

from auditlog.models import LogEntry
from axes.models import AccessAttempt

from stark.sites import site
from web.handlers.audit import AuditHandler
from web.handlers.classchange import ClassChangeCheckHandler, ClassChangeHandler
from web.handlers.classlist import ClassListHandler
from web.handlers.consultrecord import ConsultRecordHandler
from web.handlers.course import CourseHandler
from web.handlers.courserecord import CourseRecordHandler
from web.handlers.customer import AllCustomerHandler, PrivateCustomerHandler, PublicCustomerHandler
from web.handlers.department import DepartmentHandler
from web.handlers.figure_lists import ClassTalkRecordHandler, EnteredCustomerHandler, TeamConsultRecordHandler
from web.handlers.lockout import LockoutHandler
from web.handlers.payment_check import PaymentCheckHandler
from web.handlers.paymentrecord import PaymentRecordHandler
from web.handlers.school import SchoolHandler
from web.handlers.scorerecord import ScoreRecordHandler
from web.handlers.student import StudentHandler
from web.handlers.talkrecord import TalkRecordHandler
from web.handlers.userinfo import UserInfoHandler
from web.models import (
    ClassChange,
    ClassList,
    ConsultRecord,
    Course,
    CourseRecord,
    Customer,
    Department,
    PaymentRecord,
    School,
    ScoreRecord,
    Student,
    TalkRecord,
    UserInfo,
)

# Base data (issue 5): campuses, departments, staff users, courses, classes.
site.register(School, SchoolHandler)
site.register(Department, DepartmentHandler)
site.register(UserInfo, UserInfoHandler)
site.register(Course, CourseHandler)
site.register(ClassList, ClassListHandler)

# Customers and follow-ups (issue 6).
site.register(Customer, PublicCustomerHandler, prefix="pub")
site.register(Customer, PrivateCustomerHandler, prefix="priv")
site.register(Customer, AllCustomerHandler, prefix="all")
site.register(ConsultRecord, ConsultRecordHandler)

# Enrolment (issue 7): payment applications and approval, students, scores.
site.register(PaymentRecord, PaymentRecordHandler)
site.register(PaymentRecord, PaymentCheckHandler, prefix="check")
site.register(Student, StudentHandler)
site.register(ScoreRecord, ScoreRecordHandler)

# Teaching quality (issue 8): course records and attendance, talks, class changes.
site.register(CourseRecord, CourseRecordHandler)
site.register(TalkRecord, TalkRecordHandler)
site.register(ClassChange, ClassChangeHandler)
site.register(ClassChange, ClassChangeCheckHandler, prefix="check")

# Issue 12: read-only lists behind the dashboards' figures (web.handlers.figure_lists).
site.register(Customer, EnteredCustomerHandler, prefix="entered")
site.register(TalkRecord, ClassTalkRecordHandler, prefix="classes")
site.register(ConsultRecord, TeamConsultRecordHandler, prefix="team")

# Security (issue 16): login lockouts kept by django-axes, unlocked by the administrator.
site.register(AccessAttempt, LockoutHandler)
# The audit trail (django-auditlog's records and web.audit's events), read-only.
site.register(LogEntry, AuditHandler)
