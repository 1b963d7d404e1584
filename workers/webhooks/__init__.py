"""Webhook delivery: the worker and what a webhook receives."""
