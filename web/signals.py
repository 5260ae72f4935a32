"""Signal receivers of the CRM (connected by ``WebConfig.ready``)."""

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver

from web.services.sessions import session_forget, session_record_login


@receiver(user_logged_in, dispatch_uid="web.session_record_login")
def _record_login(sender, request, user, **kwargs) -> None:
    if request is not None:
        session_record_login(request=request, user=user)


@receiver(user_logged_out, dispatch_uid="web.session_forget")
def _forget_session(sender, request, user, **kwargs) -> None:
    if request is not None and getattr(request, "session", None) is not None:
        session_forget(session_key=request.session.session_key)
