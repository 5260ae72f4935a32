"""The home page's dashboards (issue 12 §4): which ones a user gets, and the links behind each figure.

A user gets a role's dashboard when they may open the list its figures lead to (rbac decides, so
an administrator holding every role sees every dashboard). Figures come from
``web.selectors.dashboards``; every link is built only when the user may open it.
"""

from __future__ import annotations

import datetime
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext

from stark.utils import check_permission, check_scope
from web.selectors import dashboards
from web.selectors.customers import DUE_OVERDUE, DUE_TODAY

#: The URL name whose permission gives each dashboard.
DASHBOARD_PERMISSIONS = {
    "consultant": "stark:web_customer_priv_list",
    "manager": "stark:web_customer_all_list",
    "operations": "stark:web_customer_pub_add",
    "finance": "stark:web_paymentrecord_check_list",
    "teacher": "stark:web_talkrecord_list",
}


def link(request: HttpRequest, url_name: str, query: dict | None = None, **kwargs: Any) -> str | None:
    """``url_name`` (with its query string) when the user may open it; else None (the figure is plain)."""
    if not check_permission(request, url_name):
        return None
    try:
        url = reverse(url_name, kwargs=kwargs or None)
    except NoReverseMatch:
        return None
    return f"{url}?{urlencode(query, doseq=True)}" if query else url


def _consultant(request: HttpRequest) -> dict:
    data = dashboards.consultant_dashboard(consultant=request.user)
    priv = "stark:web_customer_priv_list"
    data["links"] = {
        "unsigned": link(request, priv, {"status": "unsigned"}),
        "due_today": link(request, priv, {"due": DUE_TODAY, "o": "next_consult_date"}),
        "overdue": link(request, priv, {"due": DUE_OVERDUE, "o": "next_consult_date"}),
        # The customers signed this month, not every signed one: what the figure counts.
        "signed": link(
            request,
            priv,
            {
                "signed_from": data["month"].isoformat(),
                "signed_to": data["today"].isoformat(),
                "signed_by": request.user.pk,
            },
        ),
        "payments": {status: link(request, priv, {"payment": status}) for status in data["payments_by_status"]},
    }
    data["returning"] = [
        (customer, link(request, "stark:web_customer_priv_detail", pk=customer.pk)) for customer in data["returning"]
    ]
    data["rejections"] = [
        (event, link(request, "stark:web_customer_priv_detail", pk=event.customer_id)) for event in data["rejections"]
    ]
    return data


def _consultant_in_scope(request: HttpRequest, scope: str, consultant) -> bool:
    """Whether data scope ``scope`` of ``request.user`` holds ``consultant``'s rows (no query)."""
    if scope == "department":
        return consultant.depart_id is not None and consultant.depart_id == request.user.depart_id
    if scope == "own":
        return consultant.pk == request.user.pk
    return True


def _manager(request: HttpRequest) -> dict:
    sort = request.GET.get("sort", "-unsigned")
    if sort.lstrip("-") not in dashboards.LOAD_SORTS:
        sort = "-unsigned"
    data = dashboards.manager_dashboard(sort=sort)
    all_list = "stark:web_customer_all_list"

    def days(start: datetime.date, end: datetime.date, name: str, **query) -> str | None:
        return link(request, all_list, {**query, f"{name}_from": start.isoformat(), f"{name}_to": end.isoformat()})

    for week in data["weeks"]:
        end = week["week"] + datetime.timedelta(days=6)
        week["entered_url"] = days(week["week"], end, "date")
        week["claimed_url"] = days(week["week"], end, "claimed")
        week["signed_url"] = days(week["week"], end, "signed")
    first, last = data["weeks"][0]["week"], data["weeks"][-1]["week"] + datetime.timedelta(days=6)
    for source in data["sources"]:
        source["entered_url"] = days(first, last, "date", source=source["value"])
        source["claimed_url"] = days(first, last, "claimed", source=source["value"])
        source["signed_url"] = days(first, last, "signed", source=source["value"])
    today = data["today"]
    team = "stark:web_consultrecord_team_list"
    week = data["week"].isoformat()
    # A row's figures link to lists narrowed by the manager's data scope: linked only for a
    # consultant in that scope, so each list holds exactly the figure's rows.
    customers_scope, team_scope = check_scope(request, all_list), check_scope(request, team)
    data["load"] = [
        (
            row,
            link(request, all_list, {"consultant": row.consultant.pk, "status": "unsigned"})
            if _consultant_in_scope(request, customers_scope, row.consultant)
            else None,
            days(dashboards.month_start(today), today, "signed", signed_by=row.consultant.pk)
            if _consultant_in_scope(request, customers_scope, row.consultant)
            else None,
            link(request, team, {"consultant": row.consultant.pk, "date_from": week})
            if _consultant_in_scope(request, team_scope, row.consultant)
            else None,
        )
        for row in data["load"]
    ]
    data["sort_links"] = {
        key: "?" + urlencode({"sort": key if sort == f"-{key}" else f"-{key}"}) for key in dashboards.LOAD_SORTS
    }
    data["chart"] = {
        "type": "bar",
        "labels": [week["week"].strftime("%m-%d") for week in data["weeks"]],
        "datasets": [
            {"label": gettext("Entered"), "data": [week["entered"] for week in data["weeks"]]},
            {"label": gettext("Claimed or assigned"), "data": [week["claimed"] for week in data["weeks"]]},
            {"label": gettext("Signed"), "data": [week["signed"] for week in data["weeks"]]},
        ],
    }
    return data


def _operations(request: HttpRequest) -> dict:
    data = dashboards.operations_dashboard()
    pub = "stark:web_customer_pub_list"
    data["public_pool_url"] = link(request, pub)
    # Entered this week / month (by source): every customer entered since, wherever it is now.
    entered = "stark:web_customer_entered_list"
    week, month = data["week"].isoformat(), data["month"].isoformat()
    data["week_url"] = link(request, entered, {"date_from": week})
    data["month_url"] = link(request, entered, {"date_from": month})
    for source in data["sources"]:
        source["url"] = link(request, pub, {"source": source["value"]})
        source["week_url"] = link(request, entered, {"source": source["value"], "date_from": week})
        source["month_url"] = link(request, entered, {"source": source["value"], "date_from": month})
    return data


def _finance(request: HttpRequest) -> dict:
    data = dashboards.finance_dashboard()
    check = "stark:web_paymentrecord_check_list"
    data["pending_url"] = link(request, check, {"confirm_status": "pending"})
    # This month's decisions: the list filtered by the day decided, as the figures count them.
    month = data["month"].isoformat()
    data["confirmed_url"] = link(request, check, {"confirm_status": "confirmed", "confirm_date_from": month})
    data["rejected_url"] = link(request, check, {"confirm_status": "rejected", "confirm_date_from": month})
    for row in data["per_class"]:
        row["url"] = link(request, check, {"confirm_status": "", "class_list": row["class_list_id"]})
        row["pending_url"] = link(request, check, {"confirm_status": "pending", "class_list": row["class_list_id"]})
    return data


def _teacher(request: HttpRequest) -> dict:
    data = dashboards.teacher_dashboard(teacher=request.user)
    for row in data["attendance"]:
        row["url"] = link(request, "stark:web_courserecord_list", class_id=row["class"].pk)
        # The lessons the rate is over: the class's course records since the first day counted.
        row["lessons_url"] = link(
            request, "stark:web_courserecord_list", {"date_from": data["since"].isoformat()}, class_id=row["class"].pk
        )
    data["low_scores"] = [
        (student, link(request, "stark:web_scorerecord_list", student_id=student.pk)) for student in data["low_scores"]
    ]
    # This month's talk records of their classes' students: the list's rows when its data scope is
    # their own classes (a wider scope would list other classes' talks too: the figure stays plain).
    talks = "stark:web_talkrecord_classes_list"
    if check_permission(request, talks) and check_scope(request, talks) == "own":
        data["talks_url"] = link(request, talks, {"date_from": data["month"].isoformat()})
    else:
        data["talks_url"] = None
    return data


_BUILDERS = {
    "consultant": _consultant,
    "manager": _manager,
    "operations": _operations,
    "finance": _finance,
    "teacher": _teacher,
}


def dashboards_for(request: HttpRequest) -> dict[str, dict]:
    """Role name → that dashboard's figures, for each dashboard the user may see (in a fixed order)."""
    return {
        role: _BUILDERS[role](request)
        for role, url_name in DASHBOARD_PERMISSIONS.items()
        if check_permission(request, url_name)
    }
