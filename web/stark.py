"""The CRM's pages: each model registered with stark, one handler module per model or flow."""

# --- Base data (issue 5): campuses, departments, staff users, courses, classes ----------
from stark.sites import site  # noqa: E402
from web.handlers.classlist import ClassListHandler  # noqa: E402
from web.handlers.course import CourseHandler  # noqa: E402
from web.handlers.department import DepartmentHandler  # noqa: E402
from web.handlers.school import SchoolHandler  # noqa: E402
from web.handlers.userinfo import UserInfoHandler  # noqa: E402
from web.models import ClassList, Course, Department, School, UserInfo  # noqa: E402

site.register(School, SchoolHandler)
site.register(Department, DepartmentHandler)
site.register(UserInfo, UserInfoHandler)
site.register(Course, CourseHandler)
site.register(ClassList, ClassListHandler)
# --- end of base data -------------------------------------------------------------------
