"""The data layer: one module per Rocket.Chat collection, the only code that talks to pymongo."""
