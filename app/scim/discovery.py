"""What the service provider says of itself (RFC 7643 §5-7): its configuration, its one
resource type (User) and the User schema's attributes it keeps. Groups are not served: see
docs/scim.md."""

from app.schemas.scim import USER_SCHEMA

SPC_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"
RESOURCE_TYPE_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:ResourceType"
SCHEMA_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Schema"
MAX_RESULTS = 200


def _attribute(name, kind="string", **options):
    attribute = {
        "name": name,
        "type": kind,
        "multiValued": False,
        "description": options.pop("description", ""),
        "required": False,
        "caseExact": False,
        "mutability": "readWrite",
        "returned": "default",
        "uniqueness": "none",
    }
    attribute.update(options)
    if kind == "complex":
        attribute.pop("caseExact")
    return attribute


USER_ATTRIBUTES = [
    _attribute(
        "userName",
        required=True,
        uniqueness="server",
        description="As the identity provider sends it (an e-mail, a UPN); the Rocket.Chat"
        " username is derived from it.",
    ),
    _attribute("externalId", caseExact=True, description="The identity provider's own id."),
    _attribute(
        "name",
        "complex",
        subAttributes=[_attribute("formatted", description="Rocket.Chat's name.")],
        description="Rocket.Chat's name (givenName and familyName are read, then joined).",
    ),
    _attribute("displayName", description="Rocket.Chat's name."),
    _attribute(
        "emails",
        "complex",
        multiValued=True,
        subAttributes=[
            _attribute("value", required=True),
            _attribute("type", canonicalValues=["work"]),
            _attribute("primary", "boolean"),
        ],
        description="Rocket.Chat's addresses; the primary one first.",
    ),
    _attribute(
        "active",
        "boolean",
        required=True,
        description="false deactivates as Rocket.Chat does; every user is active or not,"
        " so it is never removed (a new user without it is active).",
    ),
    _attribute(
        "password",
        mutability="writeOnly",
        returned="never",
        description="Read when the user is created; never returned.",
    ),
]


def service_provider_config(base_url):
    """Return the ServiceProviderConfig: PATCH, filter and ETags yes; bulk, sort and
    password changes no; a bearer token."""
    return {
        "schemas": [SPC_SCHEMA],
        "patch": {"supported": True},
        "bulk": {"supported": False, "maxOperations": 0, "maxPayloadSize": 0},
        "filter": {"supported": True, "maxResults": MAX_RESULTS},
        "changePassword": {"supported": False},
        "sort": {"supported": False},
        "etag": {"supported": True},
        "authenticationSchemes": [
            {
                "type": "oauthbearertoken",
                "name": "Bearer token",
                "description": "A token of `bulk-import-server scim-token create NAME`.",
                "specUri": "https://www.rfc-editor.org/rfc/rfc6750",
                "primary": True,
            }
        ],
        "meta": _meta("ServiceProviderConfig", f"{base_url}/ServiceProviderConfig"),
    }


def resource_types(base_url):
    """Return the resource types served: User only."""
    return [
        {
            "schemas": [RESOURCE_TYPE_SCHEMA],
            "id": "User",
            "name": "User",
            "endpoint": "/Users",
            "description": "A Rocket.Chat user",
            "schema": USER_SCHEMA,
            "schemaExtensions": [],
            "meta": _meta("ResourceType", f"{base_url}/ResourceTypes/User"),
        }
    ]


def schemas(base_url):
    """Return the schemas served: the User's attributes this service keeps."""
    return [
        {
            "schemas": [SCHEMA_SCHEMA],
            "id": USER_SCHEMA,
            "name": "User",
            "description": "User Account",
            "attributes": USER_ATTRIBUTES,
            "meta": _meta("Schema", f"{base_url}/Schemas/{USER_SCHEMA}"),
        }
    ]


def _meta(kind, location):
    return {"resourceType": kind, "location": location}
