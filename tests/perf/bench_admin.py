"""Django admin configured like stark's customer and approval lists, for tests/perf/bench_vs_admin.py.

Tuned the way the admin documentation suggests for big tables: the same columns, ``search_fields``,
``list_filter``, ``list_select_related``, the M2M column prefetched, the same ordering, 20 rows,
``show_full_result_count = False`` (one COUNT instead of two).
"""

from django.contrib import admin

from web.models import Customer, PaymentRecord

site = admin.AdminSite(name="bench_admin")


@admin.register(Customer, site=site)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ["name", "qq", "gender", "status", "source", "courses", "consultant", "date"]
    search_fields = ["name", "qq"]
    list_filter = ["gender", "source", "status", "course", "consultant", "date"]
    list_select_related = ["consultant"]
    ordering = ["-date", "-id"]
    list_per_page = 20
    show_full_result_count = False

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("course")

    @admin.display(description="courses")
    def courses(self, obj):
        return ", ".join(course.name for course in obj.course.all())


@admin.register(PaymentRecord, site=site)
class PaymentRecordAdmin(admin.ModelAdmin):
    list_display = [
        "customer",
        "customer_qq",
        "consultant",
        "pay_type",
        "paid_fee",
        "class_list",
        "confirm_status",
        "apply_date",
        "confirm_user",
        "confirm_date",
    ]
    search_fields = ["customer__name", "customer__qq"]
    list_filter = ["confirm_status", "pay_type"]
    list_select_related = ["customer", "consultant", "class_list__course", "class_list__school", "confirm_user"]
    ordering = ["-apply_date", "-id"]
    list_per_page = 20
    show_full_result_count = False

    @admin.display(description="QQ")
    def customer_qq(self, obj):
        return obj.customer.qq
