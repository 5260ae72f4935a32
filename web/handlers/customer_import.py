"""The public pool's import page (``stark:web_customer_pub_import``): upload, preview, confirm.

One URL (one permission) with its steps told apart by parameters:

- ``GET``: the upload form; ``?template=csv|xlsx`` downloads the template;
  ``?preview=<id>`` shows an upload's rows classified; ``?rejected=<id>`` downloads its rejected rows.
- ``POST`` with ``file``: keep the upload, then go to its preview; ``POST`` with ``confirm=<id>``:
  import the new rows and go back to the public pool.

Every upload is looked up among the current user's own (``customer_imports_of``): another
user's id is a 404, on GET and POST.
"""

from __future__ import annotations

import io

from django.contrib import messages
from django.db import IntegrityError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext, ngettext

from web.forms.customer_import import CustomerImportUploadForm
from web.models import CustomerImport
from web.services.customer_import import (
    COLUMNS,
    ImportFileError,
    Kind,
    choice_values,
    column_label,
    customer_import_confirm,
    customer_import_preview,
    customer_import_upload,
    customer_imports_of,
    rejected_rows_csv,
    template_csv,
    template_example,
    template_headers,
)

#: Rows of each kind listed on the preview page (the counts and the download cover all of them).
PREVIEW_ROWS = 200


class CustomerImportMixin:
    """Adds the import page to the public pool's handler."""

    import_template = "web/customer_import.html"
    import_preview_template = "web/customer_import_preview.html"

    def import_urls(self) -> list:
        return [path("import/", self.wrap(self.import_view), name=self.get_url_name("import"))]

    def get_import_url(self, request: HttpRequest) -> str | None:
        name = self.get_url_name("import")
        return reverse(self.full_url_name(name)) if self.has_permission(request, name) else None

    def import_view(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.method == "POST":
            if "confirm" in request.POST:
                return self.import_confirm(request)
            return self.import_upload(request)
        if request.GET.get("template") in ("csv", "xlsx"):
            return self.import_template_download(request.GET["template"])
        if "preview" in request.GET:
            return self.import_preview(request, self._own_import(request, request.GET["preview"]))
        if "rejected" in request.GET:
            return self.import_rejected(request, self._own_import(request, request.GET["rejected"]))
        return self.render_import(request, CustomerImportUploadForm())

    def _own_import(self, request: HttpRequest, raw_id: str) -> CustomerImport:
        try:
            return customer_imports_of(user=request.user).get(pk=int(raw_id))
        except (ValueError, OverflowError, CustomerImport.DoesNotExist) as exc:
            raise Http404(gettext("No such upload (it may have been imported or have expired).")) from exc

    def render_import(self, request: HttpRequest, form: CustomerImportUploadForm) -> HttpResponse:
        columns = [
            (column_label(name), required, "/".join(choice_values(name)) if name in _CHOICE_COLUMNS else "")
            for name, required in COLUMNS.items()
        ]
        context = {
            **self.get_context(request),
            "title": gettext("Import customers into the public pool"),
            "form": form,
            "columns": columns,
            "import_url": self.get_import_url(request),
        }
        return TemplateResponse(request, self.import_template, context)

    def import_upload(self, request: HttpRequest) -> HttpResponse:
        form = CustomerImportUploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                upload = customer_import_upload(
                    uploader=request.user, upload=form.cleaned_data["file"], source=form.cleaned_data["source"]
                )
            except ImportFileError as error:
                form.add_error("file", str(error))
            else:
                return HttpResponseRedirect(f"{self.get_import_url(request)}?preview={upload.pk}")
        return self.render_import(request, form)

    def import_preview(self, request: HttpRequest, upload: CustomerImport) -> HttpResponse:
        try:
            preview = customer_import_preview(customer_import=upload)
        except ImportFileError as error:  # the header matched at upload; a changed course list, say
            messages.error(request, str(error))
            return HttpResponseRedirect(self.get_import_url(request))
        counts = preview.counts
        problems = [row for row in preview.rows if row.kind != Kind.NEW]
        context = {
            **self.get_context(request),
            "title": gettext("Check the import of “%(file)s”") % {"file": upload.filename},
            "upload": upload,
            "preview": preview,
            "counts": counts,
            "problem_rows": problems[:PREVIEW_ROWS],
            "more_problems": max(0, len(problems) - PREVIEW_ROWS),
            "new_rows": preview.of_kind(Kind.NEW)[:PREVIEW_ROWS],
            "more_new": max(0, counts[Kind.NEW] - PREVIEW_ROWS),
            "import_url": self.get_import_url(request),
        }
        return TemplateResponse(request, self.import_preview_template, context)

    def import_rejected(self, request: HttpRequest, upload: CustomerImport) -> HttpResponse:
        preview = customer_import_preview(customer_import=upload)
        response = StreamingHttpResponse(rejected_rows_csv(preview), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="rejected-rows.csv"'
        return response

    def import_confirm(self, request: HttpRequest) -> HttpResponse:
        upload = self._own_import(request, request.POST["confirm"])
        try:
            expected = int(request.POST.get("expected_new", ""))
        except ValueError:
            expected = None
        try:
            result = customer_import_confirm(user=request.user, import_id=upload.pk, expected_new=expected)
        except CustomerImport.DoesNotExist as exc:  # confirmed in another tab meanwhile
            raise Http404(gettext("No such upload (it may have been imported or have expired).")) from exc
        except IntegrityError:
            messages.error(
                request,
                gettext(
                    "Other customers were being entered at the same time; nothing was imported. Please confirm again."
                ),
            )
            return HttpResponseRedirect(f"{self.get_import_url(request)}?preview={upload.pk}")
        messages.success(
            request,
            ngettext(
                "Imported %(count)d customer into the public pool.",
                "Imported %(count)d customers into the public pool.",
                result.imported,
            )
            % {"count": result.imported},
        )
        if result.skipped:
            messages.warning(
                request,
                ngettext(
                    "%(count)d row was skipped: the same customer was entered after the preview.",
                    "%(count)d rows were skipped: the same customers were entered after the preview.",
                    result.skipped,
                )
                % {"count": result.skipped},
            )
        return HttpResponseRedirect(reverse(self.full_url_name(self.get_list_url_name())))

    def import_template_download(self, kind: str) -> HttpResponse:
        if kind == "csv":
            response = HttpResponse("".join(template_csv()), content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = 'attachment; filename="customer-import-template.csv"'
            return response
        import xlsxwriter

        output = io.BytesIO()
        workbook = xlsxwriter.Workbook(output, {"strings_to_formulas": False, "strings_to_urls": False})
        sheet = workbook.add_worksheet("客户")
        bold = workbook.add_format({"bold": True})
        text = workbook.add_format({"num_format": "@"})  # QQ and mobile numbers stay text in Excel
        for col, header in enumerate(template_headers()):
            sheet.write_string(0, col, header, bold)
            sheet.set_column(col, col, max(12, len(header) * 2), text)
        for col, value in enumerate(template_example()):
            sheet.write_string(1, col, value)
        workbook.close()
        response = HttpResponse(
            output.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        response["Content-Disposition"] = 'attachment; filename="customer-import-template.xlsx"'
        return response


_CHOICE_COLUMNS = {"gender", "education", "experience", "work_status"}
