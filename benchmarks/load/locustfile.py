"""The load benchmark's users (run by bench_load.py, not by hand): each one signs in with a session made before the
run and requests its pages back to back, with no think time, so that throughput at N users is the server's.

Besides pages, the mix holds write journeys, made through the pages as a resident's browser makes them: the form
page is read, its CSRF token (and idempotency key) taken from the form, the form posted, the redirect followed.
- `journey:order`: a 街坊汇 product's confirm page, place the order, the order's code page, cancel it, my orders.
- `journey:booking`: a facility's page, one of its days, book one of its slots for a member of the household (a paid
  service holds the place and shows its payment page, which is read), my bookings, cancel that booking.
Each request of a journey is reported under its own name; a refusal (a redirect elsewhere than success) fails it."""

import json
import os
import random
import re

from locust import FastHttpUser, constant, task

SESSIONS: dict[str, str] = json.loads(os.environ.get("LOAD_SESSIONS", "{}"))
CSRF: dict[str, str] = json.loads(os.environ.get("LOAD_CSRF", "{}"))
# [[account, path, weight], …]: the pages of this run (one page alone, the mix, or the trivial view); a path
# "journey:<name>" is a write journey
PAGES: list[list] = json.loads(os.environ["LOAD_PAGES"])
# what the journeys use: {"products": [ids], "facility": "/services/<code>/facilities/<id>/", "writers": [accounts]}
WRITES: dict = json.loads(os.environ.get("LOAD_WRITES", "{}"))

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
KEY = re.compile(r'name="idempotency_key" value="([^"]+)"')
BOOK = re.compile(r'action="(/services/[^/"]+/slots/\d+/book/)"')
DAY = re.compile(r'href="\?date=(\d{4}-\d{2}-\d{2})#')
MEMBER = re.compile(r'<option value="(\d+)">')
CANCEL_BOOKING = re.compile(r'action="(/services/[^/"]+/bookings/(\d+)/cancel/)"')


class Visitor(FastHttpUser):
    wait_time = constant(0)

    def on_start(self) -> None:
        self.paths = [(account, path) for account, path, _weight in PAGES]
        self.weights = [weight for _account, _path, weight in PAGES]

    def headers(self, account: str, referer: str = "") -> dict[str, str]:
        headers = {"Accept-Language": "zh-hans"}
        if account:
            headers["Cookie"] = f"sessionid={SESSIONS[account]}; csrftoken={CSRF.get(account, '')}"
        if referer:
            headers["Referer"] = self.host + referer
        return headers

    def get(self, account: str, path: str, name: str) -> str:
        with self.client.get(path, headers=self.headers(account), name=name, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
                return ""
            return response.text or ""

    def post(
        self, account: str, path: str, data: dict[str, str], name: str, expect: str | tuple[str, ...], referer: str
    ) -> str:
        """POST a form as the browser does; the answer must redirect to a URL starting with `expect` (or one of)."""
        with self.client.post(
            path,
            data=data,
            headers=self.headers(account, referer),
            name=name,
            allow_redirects=False,
            catch_response=True,
        ) as response:
            location = response.headers.get("Location", "") if response.status_code == 302 else ""
            if not location.startswith(expect):
                response.failure(f"HTTP {response.status_code} to {location or '-'}")
                return ""
            return location

    @task
    def visit(self) -> None:
        account, path = random.choices(self.paths, weights=self.weights)[0]
        if path.startswith("journey:"):  # as one of the residents prepared for writing, when the run has them
            account = random.choice(WRITES.get("writers") or [account])
        if path == "journey:order":
            self.order_and_cancel(account)
        elif path == "journey:booking":
            self.book_and_cancel(account)
        else:
            self.get(account, path, path)

    def order_and_cancel(self, account: str) -> None:
        confirm = f"/ledger/shop/{random.choice(WRITES['products'])}/order/"
        page = self.get(account, confirm, "order 1 GET /ledger/shop/[id]/order/")
        token, key = TOKEN.search(page), KEY.search(page)
        if not (token and key):
            return
        order = self.post(
            account,
            confirm,
            {"csrfmiddlewaretoken": token.group(1), "idempotency_key": key.group(1), "quantity": "1"},
            "order 2 POST /ledger/shop/[id]/order/",
            "/ledger/orders/",
            confirm,
        )
        if not order:
            return
        page = self.get(account, order, "order 3 GET /ledger/orders/[id]/")
        token = TOKEN.search(page)
        if not token:
            return
        self.post(
            account,
            f"{order}cancel/",
            {"csrfmiddlewaretoken": token.group(1)},
            "order 4 POST /ledger/orders/[id]/cancel/",
            "/ledger/orders/",
            order,
        )
        self.get(account, "/ledger/orders/", "order 5 GET /ledger/orders/")

    def book_and_cancel(self, account: str) -> None:
        facility = WRITES["facility"]
        page = self.get(account, facility, "booking 1 GET /services/[code]/facilities/[id]/")
        days = DAY.findall(page)
        if days:  # a day of the facility's, as a resident taps one, for its slots
            facility = f"{facility}?date={random.choice(days)}"
            page = self.get(account, facility, "booking 1b GET /services/[code]/facilities/[id]/?date=")
        token, slots, members = TOKEN.search(page), BOOK.findall(page), MEMBER.findall(page)
        if not (token and slots):
            return
        form = {"csrfmiddlewaretoken": token.group(1)}
        if members:  # for whom (为谁预订): a member of the household
            form["resident"] = random.choice(members)
        mine = self.post(
            account,
            random.choice(slots),
            form,
            "booking 2 POST /services/[code]/slots/[id]/book/",
            ("/services/my/", "/payments/for/booking/"),
            facility,
        )
        if not mine:
            return
        if mine.startswith("/payments/"):  # a paid service: the place is held and the payment page shown
            self.get(account, mine, "booking 2b GET /payments/for/booking/[id]/")
        page = self.get(account, "/services/my/", "booking 3 GET /services/my/")
        token, bookings = TOKEN.search(page), CANCEL_BOOKING.findall(page)
        if not (token and bookings):
            return
        newest = max(bookings, key=lambda found: int(found[1]))[0]  # the one just made (or a peer's, as many)
        self.post(
            account,
            newest,
            {"csrfmiddlewaretoken": token.group(1)},
            "booking 4 POST /services/[code]/bookings/[id]/cancel/",
            "/services/my/",
            "/services/my/",
        )
