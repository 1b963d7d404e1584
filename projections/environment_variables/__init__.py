"""The environment variables read model: its projection and queries."""
