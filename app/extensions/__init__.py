"""Flask bindings: the database client, rate limits, headers, logs and the worker, per app."""
