"""What the server shares with its clients (CLI, console): states, rules, identities."""
