"""Flask's JSON provider, set to write JSON as Rocket.Chat's JSON.stringify does."""

from flask.json.provider import DefaultJSONProvider


class RocketChatJSON(DefaultJSONProvider):
    """Serialize as Rocket.Chat's JSON.stringify does: key order kept, UTF-8, no newline."""

    sort_keys = False
    ensure_ascii = False
    compact = True

    def response(self, *args, **kwargs):
        """Return a JSON response whose body has no trailing newline."""
        response = super().response(*args, **kwargs)
        response.set_data(response.get_data().rstrip(b"\n"))
        return response
