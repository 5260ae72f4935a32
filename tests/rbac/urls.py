"""A URLconf for rbac tests: the project's URLs plus a small namespaced app with nested includes."""

from django.apps import apps
from django.contrib.auth import views as auth_views
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

if apps.is_installed("web"):
    host_patterns = [path("", include("luffy_crm.urls"))]
else:
    # rbac alone (tests/standalone): what a host gives it, a home page, login and logout.
    host_patterns = [
        path("", page, name="home"),
        path("login/", auth_views.LoginView.as_view(template_name="login.html"), name="login"),
        path("logout/", auth_views.LogoutView.as_view(), name="logout"),
        path("health/", page, name="health"),
        path("password/", page, name="password_change"),
        path("rbac/", include("rbac.urls")),
    ]

urlpatterns = [
    *host_patterns,
    path("demo/", include(demo_patterns)),
    path("unnamed/", page),
]
