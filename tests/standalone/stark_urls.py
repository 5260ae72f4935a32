from django.contrib.auth import views as auth_views
from django.http import HttpResponse
from django.urls import path

from stark.sites import site


def home(request):
    return HttpResponse("home")


urlpatterns = [
    path("", home, name="home"),
    path("login/", auth_views.LoginView.as_view(template_name="login.html"), name="login"),
    path("stark/", site.urls),
]
