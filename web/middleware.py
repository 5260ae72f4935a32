"""Turn a service that lost every retry to concurrent changes into a clear page, not a 500."""

from django.shortcuts import render

from web.services.locks import ServiceBusy


class ServiceBusyMiddleware:
    """``ServiceBusy`` (``web.services.locks``) → 503 "nothing was saved, try again" with Retry-After."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, ServiceBusy):
            return None
        response = render(request, "503.html", {"message": ServiceBusy.message}, status=503)
        response["Retry-After"] = "2"
        return response
