"""Aggregates and domain events. Pure: imports only eventsourcing and the standard library."""
