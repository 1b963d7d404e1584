"""The webhook deliveries read model: its projection and queries."""
