"""The `bulk-import-users` command: import a file of users into Rocket.Chat over HTTP only.

It talks to this service or to a real Rocket.Chat server alike, through the public
REST API (login, import.*), and never touches a database.
"""
