"""The build worker: config, steps, the runner, publishing, leases and the reaper."""
