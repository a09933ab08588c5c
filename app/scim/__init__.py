"""The SCIM 2.0 door (RFC 7643/7644) at /scim/v2: Okta, Entra ID and other identity
providers create, update and deactivate Rocket.Chat's users through the provisioning core."""


def init_app(app):
    """Register the /scim/v2 blueprint; its error handlers answer SCIM errors."""
    from app.scim.routes import blp

    app.register_blueprint(blp)
