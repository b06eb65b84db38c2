"""20 simulated planners on the workbench (locust, localhost only, bounded by -t).

Each planner opens its own workspace on the bench's scenario and edits it like a
planner: moves a unit to a neighbouring community (most often), undoes, redoes, opens
a community's details and re-reads the plan. It tracks its own revision; a 409 would
be a lost update and is counted as a failure. Run by ``bench/workbench.py``:

    locust -f bench/workbench_locust.py --headless -u 20 -r 5 -t 300s --host URL
"""

from __future__ import annotations

import json
import os
import random
from typing import Any

from locust import HttpUser, between, task

SCENARIO = os.environ.get("WORKBENCH_SCENARIO", "county")
WORKSPACES = os.environ.get("WORKBENCH_WORKSPACES_FILE", "")


class Planner(HttpUser):
    wait_time = between(0.5, 2.0)

    def on_start(self) -> None:
        self.rng = random.Random()
        s = self.client.get("/api/session").json()
        self.client.headers["X-CSRF-Token"] = s["csrf"]
        w = self.client.post("/api/workspaces", json={"name": "locust", "scenario": SCENARIO},
                             name="/api/workspaces [create]").json()
        self.ws = w["id"]
        if WORKSPACES:
            with open(WORKSPACES, "a", encoding="utf-8") as fh:
                fh.write(f"{self.ws}\n")
        layers = self.client.get(f"/api/workspaces/{self.ws}/map",
                                 name="/api/workspaces/{ws}/map").json()
        self.ids = [f["properties"]["id"] for f in layers["units"]["features"]]
        self.nb = [f["properties"]["nb"] for f in layers["units"]["features"]]
        self.load()

    def load(self) -> None:
        w = self.client.get(f"/api/workspaces/{self.ws}", name="/api/workspaces/{ws}").json()
        self.revision = w["revision"]
        self.assign: list[str] = w["plan"]["assign"]

    def post(self, path: str, body: dict[str, Any], name: str) -> dict[str, Any] | None:
        with self.client.post(path, json=body, name=name, catch_response=True) as r:
            if r.status_code == 200:
                data: dict[str, Any] = r.json()
                self.revision = data["revision"]
                index = {u: i for i, u in enumerate(self.ids)} if data["units"] else {}
                for u, c in data["units"].items():
                    self.assign[index[u]] = c
                r.success()
                return data
            if r.status_code == 422:       # a refused edit (nothing to undo, ...): fine
                r.success()
                return None
            r.failure(f"{r.status_code}: {r.text[:200]}")
            return None

    @task(6)
    def move(self) -> None:
        for _ in range(20):
            i = self.rng.randrange(len(self.ids))
            others = [j for j in self.nb[i] if self.assign[j] != self.assign[i]]
            if others:
                to = self.assign[self.rng.choice(others)]
                self.post(f"/api/workspaces/{self.ws}/edits",
                          {"revision": self.revision,
                           "op": {"op": "move", "units": [self.ids[i]], "to": to}},
                          "/api/workspaces/{ws}/edits")
                return

    @task(2)
    def undo(self) -> None:
        self.post(f"/api/workspaces/{self.ws}/undo", {"revision": self.revision},
                  "/api/workspaces/{ws}/undo")

    @task(1)
    def redo(self) -> None:
        self.post(f"/api/workspaces/{self.ws}/redo", {"revision": self.revision},
                  "/api/workspaces/{ws}/redo")

    @task(2)
    def community(self) -> None:
        c = self.assign[self.rng.randrange(len(self.ids))]
        self.client.get(f"/api/workspaces/{self.ws}/communities/{c}",
                        name="/api/workspaces/{ws}/communities/{cid}")

    @task(1)
    def reload(self) -> None:
        self.load()


if __name__ == "__main__":   # pragma: no cover
    print(json.dumps({"scenario": SCENARIO}))
