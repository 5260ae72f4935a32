"""Courses (课程): list with fuzzy search, add, edit, delete (refused while classes use the course)."""

from stark.handlers import StarkHandler
from web.forms.base_data import CourseForm


class CourseHandler(StarkHandler):
    list_display = ["name", StarkHandler.display_edit_del]
    model_form_class = CourseForm
    search_list = ["name"]
