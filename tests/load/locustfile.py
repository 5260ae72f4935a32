"""Mixed traffic of every demo role against running app servers (driven by tests/load/run.py).

Each simulated person logs in through the real login form with a demo account and then works
the way staff do, picking rows from the pages they just saw: consultants search and filter the
public pool, claim and release customers, open their customers, write follow-ups and file payment
applications; the sales manager filters all customers; operations browse the pool and its add
form; finance lists pending applications and confirms some; the class teacher opens classes,
students, course records and attendance. Requests are named by page kind for the report.

``LOAD_HOSTS`` (comma-separated base URLs) spreads the people over several app servers; a 404 on
an object page is the app's right answer when someone else just moved that customer, not an error.
"""

from __future__ import annotations

import os
import random
import re

from locust import HttpUser, between, task

PASSWORD = os.environ.get("LOAD_PASSWORD", "Luffy@2026")
HOSTS = [host for host in os.environ.get("LOAD_HOSTS", "").split(",") if host]

PK = re.compile(r'name="pk" value="(\d+)"')
CLASS_OPTION = re.compile(r'<select name="class_list"[^>]*>(.*?)</select>', re.S)
OPTION = re.compile(r'<option value="(\d+)"')
COURSE_RECORDS = re.compile(r"/stark/web/courserecord/(\d+)/list/")
ATTENDANCE = re.compile(r"/stark/web/courserecord/(\d+)/(\d+)/attendance/")

PUB = "/stark/web/customer/pub/list/"
PRIV = "/stark/web/customer/priv/list/"
SOURCES = ["qq_group", "referral", "website", "baidu_ads", "other"]


class Staff(HttpUser):
    abstract = True
    wait_time = between(0.5, 2.0)
    username = ""

    def on_start(self) -> None:
        if HOSTS:
            self.client.base_url = random.choice(HOSTS)
        self.client.get("/login/", name="login page")
        self.client.post(
            "/login/",
            data={"username": self.username, "password": PASSWORD, "csrfmiddlewaretoken": self._csrf()},
            name="login",
        )

    def _csrf(self) -> str:
        return self.client.cookies.get("csrftoken", "")

    def post(self, url: str, data: dict, name: str):
        return self.client.post(url, data={**data, "csrfmiddlewaretoken": self._csrf()}, name=name)

    def object_page(self, url: str, name: str):
        """GET a page of one object that may have moved meanwhile (404 is then the right answer)."""
        with self.client.get(url, name=name, catch_response=True) as response:
            if response.status_code == 404:
                response.success()
            return response


class Consultant(Staff):
    weight = 5

    def on_start(self) -> None:
        self.username = random.choice(["consultant1", "consultant2"])
        super().on_start()

    @task(4)
    def search_public_pool(self) -> None:
        self.client.get(PUB, params={"q": str(random.randint(10, 99))}, name="list: public pool search")

    @task(2)
    def filter_public_pool(self) -> None:
        params = {"source": random.choice(SOURCES), "page": random.randint(1, 20)}
        self.client.get(PUB, params=params, name="list: public pool filter")

    @task(3)
    def private_pool(self) -> None:
        self.client.get(PRIV, name="list: private pool")

    @task(3)
    def claim(self) -> None:
        page = self.client.get(PUB, params={"page": random.randint(1, 50)}, name="list: public pool page")
        ids = PK.findall(page.text)
        if ids:
            self.post(PUB, {"action": "multi_claim", "pk": random.sample(ids, min(3, len(ids)))}, "claim")

    @task(2)
    def release(self) -> None:
        ids = PK.findall(self.client.get(PRIV, name="list: private pool").text)
        if len(ids) > 20:  # keep some customers to work on
            self.post(PRIV, {"action": "multi_release", "pk": random.sample(ids, 3)}, "release")

    @task(3)
    def follow_up(self) -> None:
        ids = PK.findall(self.client.get(PRIV, name="list: private pool").text)
        if not ids:
            return
        customer = random.choice(ids)
        self.object_page(f"/stark/web/customer/priv/{customer}/change/", "customer: change page")
        self.object_page(f"/stark/web/consultrecord/{customer}/list/", "customer: follow-ups")
        with self.client.post(
            f"/stark/web/consultrecord/{customer}/add/",
            data={"note": "电话回访：对课程感兴趣，约下周试听。", "csrfmiddlewaretoken": self._csrf()},
            name="follow-up: add",
            catch_response=True,
        ) as response:
            if response.status_code == 404:
                response.success()

    @task(1)
    def payment_application(self) -> None:
        ids = PK.findall(self.client.get(PRIV, name="list: private pool").text)
        if not ids:
            return
        url = f"/stark/web/paymentrecord/{random.choice(ids)}/add/"
        form = self.object_page(url, "payment: add form")
        select = CLASS_OPTION.search(form.text or "")
        classes = OPTION.findall(select.group(1)) if select else []
        if form.status_code != 200 or not classes:
            return
        data = {
            "pay_type": random.choice(["enrolment_fee", "tuition"]),
            "paid_fee": "1000",
            "class_list": random.choice(classes),
            "note": "load test",
            "qq": str(random.randint(10**8, 10**9)),
            "mobile": "13800138000",
            "emergency_contract": "家长 13900139000",
        }
        with self.client.post(
            url, data={**data, "csrfmiddlewaretoken": self._csrf()}, name="payment: apply", catch_response=True
        ) as response:
            if response.status_code == 404:
                response.success()


class SalesManager(Staff):
    weight = 1
    username = "manager1"

    @task
    def all_customers(self) -> None:
        params = random.choice([{"status": "unsigned"}, {"source": random.choice(SOURCES)}, {"q": "客户"}])
        self.client.get("/stark/web/customer/all/list/", params=params, name="list: all customers")


class Operations(Staff):
    weight = 1
    username = "ops1"

    @task(3)
    def public_pool(self) -> None:
        self.client.get(PUB, params={"q": str(random.randint(1, 9))}, name="list: public pool search")

    @task(1)
    def add_form(self) -> None:
        self.client.get("/stark/web/customer/pub/add/", name="customer: add form")


class Finance(Staff):
    weight = 1
    username = "finance1"

    @task(3)
    def pending(self) -> None:
        self.client.get("/stark/web/paymentrecord/check/list/", name="list: payment approval")

    @task(1)
    def confirm(self) -> None:
        ids = PK.findall(self.client.get("/stark/web/paymentrecord/check/list/", name="list: payment approval").text)
        if ids:
            self.post(
                "/stark/web/paymentrecord/check/list/",
                {"action": "multi_confirm", "pk": random.sample(ids, min(2, len(ids)))},
                "payment: confirm",
            )


class ClassTeacher(Staff):
    weight = 1
    username = "teacher1"

    @task(2)
    def students(self) -> None:
        self.client.get("/stark/web/student/list/", params={"status": "studying"}, name="list: students")

    @task(2)
    def attendance(self) -> None:
        classes = COURSE_RECORDS.findall(self.client.get("/stark/web/classlist/list/", name="list: classes").text)
        if not classes:
            return
        lessons = self.client.get(f"/stark/web/courserecord/{random.choice(classes)}/list/", name="list: lessons")
        pages = ATTENDANCE.findall(lessons.text)
        if pages:
            class_id, lesson_id = random.choice(pages)
            self.client.get(f"/stark/web/courserecord/{class_id}/{lesson_id}/attendance/", name="attendance page")
