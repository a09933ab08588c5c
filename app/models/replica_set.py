"""First start of a deployment's MongoDB: the replica set initiated, the application user
created (as root, once); each step does nothing when already done."""

import time

import pymongo
from pymongo.uri_parser import parse_uri

NOT_YET_INITIALIZED = 94
ROOT_DATABASE = "admin"


class ReplicaSetError(Exception):
    """The database cannot be set up as MONGO_URL describes it."""


def plan_of(url):
    """Return what MONGO_URL asks for: hosts, replica set, database, user, password, authSource."""
    parsed = parse_uri(url)
    options = parsed["options"]
    return {
        "hosts": [f"{host}:{port}" for host, port in parsed["nodelist"]],
        "replica_set": options.get("replicaset"),
        "database": parsed["database"] or "rocketchat",
        "user": parsed["username"],
        "password": parsed["password"],
        "auth_source": options.get("authsource") or ROOT_DATABASE,
        "tls": {k: v for k, v in options.items() if k.startswith("tls")},
    }


def root_client(plan, root_user, root_password, timeout_ms):
    """Return a client of the first host as root, before any replica set exists."""
    credentials = {"username": root_user, "password": root_password} if root_user else {}
    return pymongo.MongoClient(
        plan["hosts"][0],
        directConnection=True,
        serverSelectionTimeoutMS=timeout_ms,
        appname="rc-bulk-import init",
        **credentials,
        **plan["tls"],
    )


def initiate(client, plan):
    """Initiate the replica set with MONGO_URL's hosts unless it exists; tell if it did."""
    try:
        client.admin.command("replSetGetStatus")
        return False
    except pymongo.errors.OperationFailure as error:
        if error.code != NOT_YET_INITIALIZED:
            raise ReplicaSetError(f"replica set status: {error.details.get('errmsg')}") from None
    members = [{"_id": n, "host": host} for n, host in enumerate(plan["hosts"])]
    client.admin.command("replSetInitiate", {"_id": plan["replica_set"], "members": members})
    return True


def wait_for_primary(client, seconds):
    """Wait until the server is its replica set's primary (or a standalone)."""
    deadline = time.monotonic() + seconds
    while not client.admin.command("hello").get("isWritablePrimary"):
        if time.monotonic() > deadline:
            raise ReplicaSetError(f"no primary after {seconds:g} s")
        time.sleep(0.5)


def ensure_user(client, plan):
    """Create MONGO_URL's user with readWrite on its database unless it exists; tell if it did."""
    users = client[plan["auth_source"]].command("usersInfo", plan["user"])["users"]
    if users:
        return False
    roles = [{"role": "readWrite", "db": plan["database"]}]
    client[plan["auth_source"]].command(
        "createUser", plan["user"], pwd=plan["password"], roles=roles
    )
    return True
