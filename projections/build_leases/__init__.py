"""The build leases read model: its projection and queries."""
