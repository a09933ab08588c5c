"""The SCIM door as an identity provider calls it: a caller holding a bearer token, and the
bodies Okta and Entra ID send (from their documented request sequences)."""

from app.services import scim_tokens

USER = "urn:ietf:params:scim:schemas:core:2.0:User"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
ERROR = "urn:ietf:params:scim:api:messages:2.0:Error"


class ScimCaller:
    """An identity provider holding a SCIM token, calling /scim/v2 through a test client."""

    def __init__(self, client, token):
        self.client, self.token = client, token
        self.headers = {"Authorization": f"Bearer {token}"}

    def call(self, method, path, json=None, headers=None, **kwargs):
        """Send METHOD /scim/v2<path> with the token (and these headers)."""
        sent = {**self.headers, **(headers or {})}
        return self.client.open(f"/scim/v2{path}", method=method, json=json, headers=sent, **kwargs)

    def get(self, path, **kwargs):
        """GET /scim/v2<path>."""
        return self.call("GET", path, **kwargs)

    def post(self, path, json, **kwargs):
        """POST /scim/v2<path>."""
        return self.call("POST", path, json=json, **kwargs)

    def put(self, path, json, **kwargs):
        """PUT /scim/v2<path>."""
        return self.call("PUT", path, json=json, **kwargs)

    def patch(self, path, operations, **kwargs):
        """PATCH /scim/v2<path> with these Operations."""
        return self.call("PATCH", path, json=patch_op(*operations), **kwargs)

    def delete(self, path, **kwargs):
        """DELETE /scim/v2<path>."""
        return self.call("DELETE", path, **kwargs)

    def find(self, scim_filter):
        """GET /Users?filter=…, as both identity providers look a person up."""
        return self.get("/Users", query_string={"filter": scim_filter})


def caller(client, db, name="okta", bypass_rate_limit=True):
    """Return a ScimCaller holding a new token of this name."""
    return ScimCaller(client, scim_tokens.create(db, name, bypass_rate_limit))


def patch_op(*operations):
    """Return a PatchOp message of these operations."""
    return {"schemas": [PATCH], "Operations": list(operations)}


def okta_user(login="jane.doe@example.com", given="Jane", family="Doe", **fields):
    """Okta's POST /Users body: its login as userName, names, one primary work e-mail."""
    return {
        "schemas": [USER],
        "userName": login,
        "name": {"givenName": given, "familyName": family},
        "emails": [{"primary": True, "value": login, "type": "work"}],
        "displayName": f"{given} {family}",
        "locale": "en-US",
        "externalId": "00ujl29u0le5T6Aj10h7",
        "groups": [],
        "password": "1mz050nq",
        "active": True,
        **fields,
    }


def entra_user(upn="Test_User_ab6490ee@contoso.com", mail="Test_User_fd0ea19b@contoso.com"):
    """Entra ID's POST /Users body: the UPN as userName, the enterprise extension, roles."""
    return {
        "schemas": [USER, ENTERPRISE],
        "externalId": "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef",
        "userName": upn,
        "active": True,
        "emails": [{"primary": True, "type": "work", "value": mail}],
        "meta": {"resourceType": "User"},
        "name": {
            "formatted": "givenName familyName",
            "familyName": "familyName",
            "givenName": "givenName",
        },
        "roles": [],
        ENTERPRISE: {"department": "Engineering", "manager": {"value": "x"}},
    }
