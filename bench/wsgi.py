"""The API as gunicorn serves it, next to two baseline routes that exist only in the benchmark.

`gunicorn 'bench.wsgi:app'` serves, with the same flags and in the same processes:
- every route of `create_app()`, unchanged;
- `GET /bench/bare`: a plain Flask route, no auth, no query;
- `GET /bench/raw-status`: only the database work `import.status` cannot avoid (the token
  lookup, the permission lookup, the latest operation), with raw pymongo and `json.dumps`.
The baselines live on a bare Flask app, without our hooks, schemas or error handlers, so the
gap to them is what our framework, schemas and auth cost.
"""

import json

import pymongo
from flask import Flask, Response, request

from app import create_app
from app.contract.states import state_of
from app.extensions.db import get_db_of
from app.services.tokens import hash_token

api = create_app()
db = get_db_of(api)  # the same pooled client as the API's
baseline = Flask("bench_baseline")
BASELINE_PREFIX = "/bench/"


@baseline.get("/bench/bare")
def bare():
    """Answer a constant body."""
    return Response('{"success":true}', mimetype="application/json")


@baseline.get("/bench/raw-status")
def raw_status():
    """Answer import.status with three raw queries and json.dumps."""
    user = db.users.find_one(
        {
            "_id": request.headers.get("X-User-Id", ""),
            "services.resume.loginTokens.hashedToken": hash_token(
                request.headers.get("X-Auth-Token", "")
            ),
        },
        {"roles": 1},
    )
    if user is None or not db.rocketchat_permissions.find_one(
        {"_id": "run-import", "roles": {"$in": user.get("roles") or []}}, {"_id": 1}
    ):
        return Response('{"success":false}', status=401, mimetype="application/json")
    operation = db.rocketchat_import.find_one({}, sort=[("ts", pymongo.DESCENDING)])
    body = {"state": state_of(operation), "operation": operation, "success": True}
    return Response(json.dumps(body, default=str), mimetype="application/json")


def app(environ, start_response):
    """Send /bench/* to the baselines and everything else to the API."""
    target = baseline if environ.get("PATH_INFO", "").startswith(BASELINE_PREFIX) else api
    return target(environ, start_response)
