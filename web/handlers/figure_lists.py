"""Read-only lists behind the dashboards' figures that no working list shows exactly (issue 12 §4).

* :class:`EnteredCustomerHandler` (``stark:web_customer_entered_list``): every customer by entry
  date and source, for operations: the name, source, date, status and whether the customer is
  still in the public pool; nothing a consultant wrote (follow-ups, payments) nor the contacts.
  Found by any part of the name (not by a contact, which the list does not show).
* :class:`ClassTalkRecordHandler` (``stark:web_talkrecord_classes_list``): the talk records of the
  students in the class teacher's data scope (their classes), by date.
* :class:`TeamConsultRecordHandler` (``stark:web_consultrecord_team_list``): the follow-ups written
  in the sales manager's data scope (their department), by consultant and date.

Each has the list page only (no add, change, delete, batch action or export).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from stark.handlers import StarkHandler
from stark.search import DateRangeOption, Option
from web.handlers.figure_filters import consultant_option
from web.search import customer_search
from web.selectors.customers import CONSULT_RECORD_AUTHOR_SCOPE, consult_records_team, customers_entered
from web.selectors.teaching import STUDENT_SCOPE, scope_through, talk_records_in_scope


class _ReadOnlyList(StarkHandler):
    pages = ("list",)
    has_add_btn = False

    def get_action_list(self, request: HttpRequest, *args, **kwargs) -> list:
        return []


class EnteredCustomerHandler(_ReadOnlyList):
    def display_pool(self, request: HttpRequest, obj: Any = None, is_header: bool = False, *args, **kwargs) -> Any:
        if is_header:
            return gettext("In the public pool")
        return gettext("Yes") if obj.consultant_id is None else gettext("No")

    list_display = ["name", "source", "date", "status", display_pool]
    #: Any part of the name, through the customer search index (no contact: the list shows none).
    search_list = ["name"]
    search_backend = customer_search
    search_group = [Option("source", is_multi=True), Option("status"), DateRangeOption("date")]
    order_list = ["-date", "-id"]
    list_title = _("Customers entered")

    def get_queryset(self, request: HttpRequest, *args, **kwargs) -> QuerySet:
        return customers_entered()


class ClassTalkRecordHandler(_ReadOnlyList):
    #: A talk record is in the scope of its student's classes (``own``: the user's classes).
    scope_lookups = scope_through("student", STUDENT_SCOPE)
    list_display = ["date", "student", "teacher", "topic", "content"]
    list_select_related = ["student__customer", "teacher"]
    search_group = [DateRangeOption("date")]
    order_list = ["-date", "-id"]
    list_title = _("Talk records of my classes")

    def get_queryset(self, request: HttpRequest, *args, **kwargs) -> QuerySet:
        return talk_records_in_scope()


class TeamConsultRecordHandler(_ReadOnlyList):
    #: A follow-up is in the scope of its author (``department``: written by the user's department).
    scope_lookups = CONSULT_RECORD_AUTHOR_SCOPE
    list_display = ["date", "consultant", "customer", "note"]
    list_select_related = ["consultant", "customer"]
    search_group = [
        consultant_option(),
        DateRangeOption("date"),
    ]
    order_list = ["-date", "-id"]
    list_title = _("Team follow-ups")

    def get_queryset(self, request: HttpRequest, *args, **kwargs) -> QuerySet:
        return consult_records_team()
