from django.urls import include, path

from stark.sites import site as stark_site
from web.views import account

urlpatterns = [
    path("", account.home, name="home"),
    path("login/", account.LoginView.as_view(), name="login"),
    path("logout/", account.LogoutView.as_view(), name="logout"),
    path("password/", account.PasswordChangeView.as_view(), name="password_change"),
    path("password/sessions/end/", account.session_end, name="session_end"),  # issue 16
    path("health/", account.health, name="health"),
    path("rbac/", include("rbac.urls")),
    path("stark/", stark_site.urls),
]
