"""Signal receivers of the CRM (connected by ``WebConfig.ready``)."""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.core.cache import caches
from django.core.signals import setting_changed
from django.db.models.signals import post_migrate
from django.dispatch import receiver

from web.audit import audit_event
from web.security import client_ip
from web.services.public_pool_days import public_pool_days_after_migrate
from web.services.sessions import session_forget, session_record_login


@receiver(user_logged_in, dispatch_uid="web.session_record_login")
def _record_login(sender, request, user, **kwargs) -> None:
    if request is not None:
        session_record_login(request=request, user=user)
    audit_event(event="login", actor=user, target=user, remote_addr=_address(request))


@receiver(user_logged_out, dispatch_uid="web.session_forget")
def _forget_session(sender, request, user, **kwargs) -> None:
    if request is not None and getattr(request, "session", None) is not None:
        session_forget(session_key=request.session.session_key)
    if user is not None:
        audit_event(event="logout", actor=user, target=user, remote_addr=_address(request))


@receiver(post_migrate, dispatch_uid="web.public_pool_days_after_migrate")
def _keep_public_pool_days(sender, using="default", **kwargs) -> None:
    # After migrate: the triggers are there; after flush: no count without customers.
    if sender.label == "web":
        public_pool_days_after_migrate(using=using)


def _address(request):
    return client_ip(request) if request is not None else None


@receiver(user_login_failed, dispatch_uid="web.audit_login_failed")
def _audit_login_failed(sender, credentials, request=None, **kwargs) -> None:
    audit_event(
        event="login_failed", target_repr=str(credentials.get("username", ""))[:150], remote_addr=_address(request)
    )


@receiver(user_locked_out, dispatch_uid="web.audit_lockout")
def _audit_lockout(sender, request, username, ip_address, **kwargs) -> None:
    audit_event(event="lockout", target_repr=str(username or "")[:150], remote_addr=ip_address)


@receiver(setting_changed, dispatch_uid="web.forget_layout_pieces")
def _forget_layout_pieces(**kwargs) -> None:
    # The layout's cached pieces (templates/base.html) hold URLs, static paths and translations:
    # a test that changes settings (URLs, static storage, language) must not get older ones.
    if kwargs["setting"] != "CACHES":
        caches["layout"].clear()
