"""What an operations team watches: the worker's heartbeat and the service's metrics."""
