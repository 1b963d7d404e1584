"""The redirects read model: its projection and queries."""
