"""Every Python example in docs/ runs: a broken example fails here, not in a reader's project.

Each ```python block is executed against the real project. Blocks that are the body of a class
(they start indented, e.g. one ``extra_urls`` method) run inside a ``StarkHandler`` subclass
with the names of ``FRAGMENT_NAMES``;
``from .models`` (an app's own models in the examples) means the CRM's ``web.models``. stark's
registry is replaced by a fresh site while a block runs, so examples may register models again.
"""

import re
import textwrap
from pathlib import Path

import pytest
from django.core import checks
from django.test.utils import isolate_apps
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext

import stark.sites
from stark.checks import check_handler
from stark.handlers import StarkHandler
from stark.sites import StarkSite

DOCS = Path(__file__).resolve().parents[2] / "docs"
BLOCK = re.compile(r"^( *)```python\n(.*?)^\1```", re.DOTALL | re.MULTILINE)


def examples() -> list:
    found = []
    for doc in sorted(DOCS.glob("*.md")):
        for number, match in enumerate(BLOCK.finditer(doc.read_text(encoding="utf-8")), 1):
            found.append(pytest.param(textwrap.dedent(match.group(2)), id=f"{doc.name}-{number}"))
    return found


#: What a method-only fragment (the body of a handler class) may use without imports of its own.
FRAGMENT_NAMES = {
    "StarkHandler": StarkHandler,
    "path": path,
    "reverse": reverse,
    "format_html": format_html,
    "gettext": gettext,
    "_": gettext,
}


def run(code: str) -> dict:
    code = code.replace("from .models import", "from web.models import")
    namespace = {"__name__": "tests.stark.testapp.docs_example"}
    if code.startswith((" ", "def ", "@")) and "class " not in code:
        code = "class Example(StarkHandler):\n" + textwrap.indent(code, "    ")
        namespace.update(FRAGMENT_NAMES)
    # A model defined by an example goes to a throw-away registry, not the project's.
    with isolate_apps("tests.stark.testapp"):
        exec(compile(code, "<docs example>", "exec"), namespace)  # noqa: S102 - our own documentation
    return namespace


@pytest.mark.django_db
@pytest.mark.parametrize("code", examples())
def test_example_runs_and_its_handlers_pass_the_checks(code, monkeypatch):
    fresh = StarkSite(name="docs")
    monkeypatch.setattr(stark.sites, "site", fresh)
    namespace = run(code)
    handlers = [v for v in namespace.values() if isinstance(v, type) and issubclass(v, StarkHandler)]
    for handler in fresh.handlers:
        assert [m for m in check_handler(handler) if m.level >= checks.ERROR] == []
    registered = {type(handler) for handler in fresh.handlers}
    for handler_class in handlers:
        if handler_class is StarkHandler or handler_class in registered:
            continue
        model = getattr(handler_class, "model", None) or _model_for(handler_class)
        instance = handler_class(fresh, model)
        assert [m for m in check_handler(instance) if m.level >= checks.ERROR] == []
        assert instance.get_urls()  # the URL wiring of the example builds
    stark.sites._sites.remove(fresh)


def _model_for(handler_class):
    """A model to try a handler class on: its parent's child model, else a CRM customer."""
    from web.models import ConsultRecord, Customer

    return ConsultRecord if handler_class.parent_kwarg == "customer_id" else Customer


@pytest.mark.django_db
def test_the_batch_action_example_claims_and_reports_a_count(monkeypatch, rf):
    from django.contrib.messages import get_messages
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.contrib.sessions.backends.db import SessionStore

    from tests.factories import CustomerFactory, UserFactory
    from web.models import Customer

    code = next(p.values[0] for p in examples() if "def multi_claim" in p.values[0])
    monkeypatch.setattr(stark.sites, "site", StarkSite(name="docs"))
    handler_class = run(code)["PublicCustomerHandler"]
    first, second = CustomerFactory(consultant=None), CustomerFactory(consultant=None)
    request = rf.post("/")
    request.user = UserFactory(username="consultant")
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    handler = handler_class(stark.sites.site, Customer, "pub")
    assert handler.multi_claim(request, Customer.objects.filter(pk__in=[first.pk, second.pk])) is None
    assert [str(m) for m in get_messages(request)] == ["Claimed 2 customers."]
    assert set(Customer.objects.values_list("consultant__username", flat=True)) == {"consultant"}
    stark.sites._sites.remove(stark.sites.site)
