"""Log-following loops: the follower, wake-ups, the supervised loop, its status, background threads."""
