"""Settings come from the environment and fail loudly when unsafe."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROBE = "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)"


# Variables of the test process that must not leak into a "fresh" production process.
TEST_ONLY_VARIABLES = ("SECRET_KEY", "DEBUG", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")


def clean_environment(**env_vars: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in TEST_ONLY_VARIABLES}
    env.update({"DJANGO_SETTINGS_MODULE": "luffy_crm.settings", **env_vars})
    return env


def run_python(code: str, **env_vars: str) -> subprocess.CompletedProcess:
    env = clean_environment(**env_vars)
    return subprocess.run(  # noqa: S603 - fixed interpreter and code
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )


def test_missing_secret_key_with_debug_off_stops_start_up_with_a_clear_message():
    result = run_python(PROBE, DEBUG="0", SECRET_KEY="")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY is not set" in result.stderr


def test_debug_is_off_unless_set():
    result = run_python(
        "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)", SECRET_KEY="k" * 50
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_default_database_is_sqlite_with_immediate_transactions_and_wal():
    code = (
        "import django; django.setup(); from django.conf import settings; d = settings.DATABASES['default'];"
        "print(d['ENGINE'], d['OPTIONS']['transaction_mode'], 'WAL' in d['OPTIONS']['init_command'])"
    )
    result = run_python(code, SECRET_KEY="k" * 50)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.sqlite3", "IMMEDIATE", "True"]


def test_database_url_selects_mysql_with_utf8mb4_and_strict_mode():
    code = (
        "import django; django.setup(); from django.conf import settings; d = settings.DATABASES['default'];"
        "o = d['OPTIONS']; print(d['ENGINE'], d['HOST'], d['NAME'], o['charset'],"
        " 'STRICT_TRANS_TABLES' in o['init_command'])"
    )
    result = run_python(code, SECRET_KEY="k" * 50, DATABASE_URL="mysql://crm:pw@db.internal:3306/crm")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.mysql", "db.internal", "crm", "utf8mb4", "True"]


def test_check_deploy_reports_nothing_under_production_settings():
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=clean_environment(SECRET_KEY="pr0duction-" + "Zq8-kLm2_x9Vb7" * 4, ALLOWED_HOSTS="crm.example.com"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.django_db
def test_user_model_is_web_userinfo_with_rbac_roles():
    from django.contrib.auth import get_user_model

    user_model = get_user_model()
    assert user_model._meta.label == "web.UserInfo"
    assert user_model._meta.get_field("roles").related_model._meta.label == "rbac.Role"
