app_name = "rbac"
urlpatterns: list = []
