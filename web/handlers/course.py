"""Courses (课程): list with fuzzy search, add, edit, delete (refused while classes use the course)."""

from stark.handlers import StarkHandler


class CourseHandler(StarkHandler):
    list_display = ["name", StarkHandler.display_edit_del]
    search_list = ["name"]
