"""Settings that run stark and rbac without the CRM, to prove each stands alone.

``pytest tests/stark --ds=tests.standalone.stark_settings`` and
``pytest tests/rbac --ds=tests.standalone.rbac_settings`` (both run by ``.ci/run``).
"""
