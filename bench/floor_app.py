"""A floor under the intake: what `POST /api/v1/notices` must do before it writes anything.

The service's own app, with the notice view swapped for one that authenticates the force
(the same decorator: the API key lookup and the rate-limit counters), validates the body
with the same schema, resolves every child against the roll with the same engine, and
answers 201 with each child's outcome, writing nothing else. The API has the 201
carry every child's outcome, so no intake can do less than this; when even this falls
short of half the minimal endpoint's throughput, the target cannot be met by any intake
that keeps the interface.

    .venv/bin/python bench/intake.py --real-app "floor_app:create_app()" \\
        --pythonpath "$PWD/bench" --no-doc

With BENCH_FLOOR_NO_MATCH=1 in the environment the children are not resolved either
(each is answered "matched", "matched", "review" by position): the cost of the key check,
the rate-limit counters and the schema alone.
"""

from __future__ import annotations

import os
from typing import Any

from flask import Flask, g, request

from encompass import create_app as create_service
from encompass.auth.access import force_api_key
from encompass.db import utcnow
from encompass.matching import resolve_child
from encompass.notices.api import intake_config
from encompass.notices.schemas import NoticeIn
from encompass.notices.service import child_facts


@force_api_key
def resolve_only() -> Any:
    now = utcnow()
    data = NoticeIn.model_validate(request.get_json(), context={"now": now})
    today = now.astimezone(intake_config().tz).date()
    if os.environ.get("BENCH_FLOOR_NO_MATCH") == "1":
        outcomes = ["matched", "matched", "review"]
        g.db.rollback()
        return {"children": [{"outcome": outcomes[n % 3]} for n in range(len(data.children))]}, 201
    children = []
    for child in data.children:
        found = resolve_child(g.db, child_facts(child), today=today)
        outcome = "review" if found.outcome == "unmatched" else found.outcome
        children.append({"outcome": outcome, "setting_id": found.setting_id})
    g.db.rollback()  # reads only: the decorator has committed its counters
    return {"police_reference": data.police_reference, "children": children}, 201


def create_app() -> Flask:
    app = create_service(read_env_file=False)
    app.view_functions["api.create_notice"] = resolve_only
    return app
