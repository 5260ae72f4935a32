"""A URLconf for rbac tests: the project's URLs plus a small namespaced app with nested includes."""

from django.http import HttpResponse
from django.template import engines
from django.urls import include, path

PAGE = engines["django"].from_string('{% extends "base.html" %}{% block content %}<p id="page">page</p>{% endblock %}')


def page(request, *args, **kwargs):
    return HttpResponse(PAGE.render({}, request))


report_patterns = (
    [
        path("summary/", page, name="summary"),
        path("raw/", page),  # unnamed: never a permission
    ],
    "reports",
)

demo_patterns = (
    [
        path("items/", page, name="item_list"),
        path("items/add/", page, name="item_add"),
        path("items/<int:pk>/", page, name="item_detail"),
        path("reports/", include(report_patterns)),
    ],
    "demo",
)

urlpatterns = [
    path("", include("luffy_crm.urls")),
    path("demo/", include(demo_patterns)),
    path("unnamed/", page),
]
