"""A choice field's filter row: its choices are made once per language, its selection per request."""

from django.test import RequestFactory
from django.utils import translation

from stark.search import Option
from web.models import Customer


def test_choices_follow_the_language_and_the_selection_follows_the_request():
    option = Option("gender")
    factory = RequestFactory()
    with translation.override("en"):
        english = option.bind(Customer, factory.get("/", {"gender": "female"}))
    with translation.override("zh-hans"):
        chinese = option.bind(Customer, factory.get("/"))
        again = option.bind(Customer, factory.get("/", {"gender": ["male", "nonsense"]}))
    assert [text for _url, _value, text in english.choices] == ["male", "female"]
    assert [text for _url, _value, text in chinese.choices] == ["男", "女"]
    assert (english.label, chinese.label) == ("Gender", "性别")
    assert (english.selected, chinese.selected, again.selected) == (["female"], [], ["male"])
    # Each request gets its own list: a handler changing its copy leaves the next request's alone.
    again.choices.clear()
    with translation.override("zh-hans"):
        assert len(option.bind(Customer, factory.get("/")).choices) == 2
