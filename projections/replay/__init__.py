"""Rebuilding state from the event log: replay into shadow tables, verify, and state as of a past moment."""
