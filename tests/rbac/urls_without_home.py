from django.urls import include, path

urlpatterns = [path("rbac/", include("rbac.urls"))]
