"""The notification targets read model (webhooks, email hooks): its projection and queries."""
