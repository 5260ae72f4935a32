"""Registrations exercising every stark option and hook on the test models."""

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.urls import path
from django.utils.html import format_html

from stark.handlers import StarkHandler, action
from stark.search import DateRangeOption, Option
from stark.sites import site

from .models import Book, Category, Chapter, Publisher, Tag


class BookHandler(StarkHandler):
    list_display = [
        StarkHandler.display_checkbox,
        "title",
        "status",
        "publisher",
        "category",
        "tags",
        "published",
        "created",
        "in_stock",
        "price",
        StarkHandler.display_edit_del,
    ]
    search_list = ["title__contains", "summary", "publisher__name__contains", "tags__name"]
    search_group = [
        Option("status", is_multi=True),
        Option("in_stock"),
        Option("publisher"),
        Option("category"),
        Option("tags", is_multi=True),
        DateRangeOption("published"),
        DateRangeOption("created"),
    ]
    per_page = 10
    has_export_btn = True

    @action("Archive")
    def multi_archive(self, request, queryset, *args, **kwargs):
        count = queryset.update(status=Book.Status.ARCHIVED)
        messages.success(request, f"Archived {count}")

    @action("Download titles")
    def multi_titles(self, request, queryset, *args, **kwargs):
        return HttpResponse(",".join(queryset.order_by("pk").values_list("title", flat=True)))

    action_list = [StarkHandler.action_multi_delete, multi_archive, multi_titles]


class BookAddForm(forms.ModelForm):
    class Meta:
        model = Book
        fields = ["title", "publisher", "published", "created"]


class BookChangeForm(forms.ModelForm):
    class Meta:
        model = Book
        fields = ["title", "pages", "status", "category", "tags"]


def display_length(handler, request, obj=None, is_header=False, *args, **kwargs):
    if is_header:
        return "Length"
    return format_html("<b>{}</b> pages", obj.pages)


display_length.order_field = "pages"


class InStockBookHandler(StarkHandler):
    """Only books in stock exist for this handler; the summary records who saved last."""

    list_display = ["title", display_length, StarkHandler.display_edit, StarkHandler.display_del]
    search_group = [
        Option(
            "publisher",
            db_condition=lambda request, *args, **kwargs: {"name__startswith": "P"},
            text_func=lambda publisher: f"«{publisher.name}»",
        ),
        Option("status", text_func=lambda choice: choice[1].upper(), value_func=lambda choice: choice[0]),
    ]
    show_facets = True
    order_list = ["-pages"]
    action_list = [StarkHandler.action_multi_delete]

    def get_queryset(self, request, *args, **kwargs):
        return Book.objects.filter(in_stock=True)

    def get_model_form_class(self, request, is_add, *args, **kwargs):
        return BookAddForm if is_add else BookChangeForm

    def save(self, request, form, is_update, *args, **kwargs):
        form.instance.summary = f"saved by {request.user.username} ({'update' if is_update else 'add'})"
        return super().save(request, form, is_update, *args, **kwargs)


class ChapterForm(forms.ModelForm):
    class Meta:
        model = Chapter
        fields = ["title"]


class ChapterHandler(StarkHandler):
    """Chapters of one book: declared as the parent, resolved once per request, never from the form."""

    parent_kwarg = "book_id"
    list_display = ["title", StarkHandler.display_edit_del]
    model_form_class = ChapterForm
    action_list = [StarkHandler.action_multi_delete]

    def get_parent_queryset(self, request):
        # Out-of-stock books are outside every user's scope: their chapters are 404 on every page.
        return Book.objects.filter(in_stock=True)

    def get_list_title(self, request, context, *args, **kwargs):
        return f"Chapters of {context['book'].title}"

    def extra_urls(self):
        return [path("<int:book_id>/count/", self.wrap(self.count_view), name=self.get_url_name("count"))]

    def count_view(self, request, *args, **kwargs):
        return HttpResponse(str(self.get_scoped_queryset(request, *args, **kwargs).count()))


class ManagedPublisherHandler(StarkHandler):
    list_display = ["name"]
    action_list = [StarkHandler.action_multi_delete]


site.register(Book, BookHandler)
site.register(Book, InStockBookHandler, prefix="instock")
site.register(Chapter, ChapterHandler)
site.register(Publisher)
site.register(Publisher, ManagedPublisherHandler, prefix="managed")
site.register(Category)


class ReadOnlyCategoryHandler(StarkHandler):
    """Only a list and an edit page: no add, no delete."""

    pages = ("list", "change")
    list_display = ["name", StarkHandler.display_edit_del]


site.register(Category, ReadOnlyCategoryHandler, prefix="readonly")


class ScopedBookHandler(StarkHandler):
    """Books whose "own" scope is the user's own books."""

    list_display = ["title", StarkHandler.display_edit_del]
    scope_lookups = {"own": "owner"}
    action_list = [StarkHandler.action_multi_delete]


site.register(Book, ScopedBookHandler, prefix="scoped")
site.register(Tag, HandlerClass=StarkHandler)
