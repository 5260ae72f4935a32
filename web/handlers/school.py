"""Campuses (校区): list with fuzzy search, add, edit, delete.

Deleting a campus that still has classes is refused by stark's delete page, which
lists the classes that block it (the foreign key is PROTECT).
"""

from stark.handlers import StarkHandler
from web.forms.base_data import SchoolForm


class SchoolHandler(StarkHandler):
    list_display = ["title", StarkHandler.display_edit_del]
    model_form_class = SchoolForm
    search_list = ["title"]
