"""The builds read model: its projection and queries."""
