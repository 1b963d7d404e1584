"""Long-running processes: the projector loop (and later the dispatcher, build worker, AMQP relay)."""
