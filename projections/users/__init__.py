"""The users and tokens read model: its projection and queries."""
