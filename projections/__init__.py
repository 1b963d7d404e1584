"""The read side: read-model tables, the projectors that write them, tracking, replay, queries."""
