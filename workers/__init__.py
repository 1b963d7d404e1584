"""Long-running processes: the projector loop, the build dispatcher and worker, the AMQP relay, webhook delivery, the artifact cleaner."""
