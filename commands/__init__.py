"""The write side: the only code that appends events. Each command loads aggregates, decides, saves."""
