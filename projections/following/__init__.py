"""Following the notification log: projectors, their tracked positions, and read-your-writes."""
