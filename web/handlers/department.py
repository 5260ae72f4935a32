"""Departments (部门): list with fuzzy search and a filter by kind, add, edit, delete.

The kind decides who may be chosen as a class teacher (teaching quality) or a teacher
(teaching) on the class form. Deleting a department with staff is refused.
"""

from stark.handlers import StarkHandler
from stark.search import Option
from web.forms.base_data import DepartmentForm


class DepartmentHandler(StarkHandler):
    list_display = ["title", "kind", StarkHandler.display_edit_del]
    model_form_class = DepartmentForm
    search_list = ["title"]
    search_group = [Option("kind")]
