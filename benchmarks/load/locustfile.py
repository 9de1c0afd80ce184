"""The load benchmark's users (run by bench_load.py, not by hand): each one signs in with a session made before the
run and requests its pages back to back, with no think time, so that throughput at N users is the server's."""

import json
import os
import random

from locust import FastHttpUser, constant, task

SESSIONS: dict[str, str] = json.loads(os.environ.get("LOAD_SESSIONS", "{}"))
# [[account, path, weight], …]: the pages of this run (one page alone, the mix, or the trivial view)
PAGES: list[list] = json.loads(os.environ["LOAD_PAGES"])


class Visitor(FastHttpUser):
    wait_time = constant(0)

    def on_start(self) -> None:
        self.paths = [(account, path) for account, path, _weight in PAGES]
        self.weights = [weight for _account, _path, weight in PAGES]

    @task
    def visit(self) -> None:
        account, path = random.choices(self.paths, weights=self.weights)[0]
        headers = {"Accept-Language": "zh-hans"}
        if account:
            headers["Cookie"] = f"sessionid={SESSIONS[account]}"
        with self.client.get(path, headers=headers, name=path, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
