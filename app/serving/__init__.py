"""What starts processes: the server CLI, gunicorn and its settings."""
