"""The projects read model: its projection and queries."""
