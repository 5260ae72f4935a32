"""The CRM's pages: each model registered with stark, one handler module per model or flow."""

from stark.sites import site  # noqa: E402

# --- Enrolment and teaching quality (issues 7 and 8) ---------------------------------------
from web.handlers.classchange import ClassChangeCheckHandler, ClassChangeHandler  # noqa: E402
from web.handlers.courserecord import CourseRecordHandler  # noqa: E402
from web.handlers.payment_check import PaymentCheckHandler  # noqa: E402
from web.handlers.paymentrecord import PaymentRecordHandler  # noqa: E402
from web.handlers.scorerecord import ScoreRecordHandler  # noqa: E402
from web.handlers.student import StudentHandler  # noqa: E402
from web.handlers.talkrecord import TalkRecordHandler  # noqa: E402
from web.models import ClassChange, CourseRecord, PaymentRecord, ScoreRecord, Student, TalkRecord  # noqa: E402

site.register(PaymentRecord, PaymentRecordHandler)
site.register(PaymentRecord, PaymentCheckHandler, prefix="check")
site.register(Student, StudentHandler)
site.register(ScoreRecord, ScoreRecordHandler)
site.register(CourseRecord, CourseRecordHandler)
site.register(TalkRecord, TalkRecordHandler)
site.register(ClassChange, ClassChangeHandler)
site.register(ClassChange, ClassChangeCheckHandler, prefix="check")
# --- end of enrolment and teaching quality -------------------------------------------------
