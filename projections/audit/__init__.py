"""The audit history read model: its projection and queries."""
