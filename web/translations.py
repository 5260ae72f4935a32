"""Messages Django shows in our pages but ships untranslated for zh-hans.

Never imported: ``makemessages`` reads the strings from here into web's catalogue, where
their Chinese lives. Django 5.2 changed the minimum-length password message to ``%d``
while its zh_Hans catalogue still translates the old ``%(min_length)d`` wording, so the
staff and password pages showed that one rule in English.
"""

from django.utils.translation import ngettext_lazy

DJANGO_MESSAGES = [
    # django.contrib.auth.password_validation.MinimumLengthValidator.get_error_message
    ngettext_lazy(
        "This password is too short. It must contain at least %d character.",
        "This password is too short. It must contain at least %d characters.",
        "min_length",
    ),
]
