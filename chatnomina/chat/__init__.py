"""Chat: the events published on Redis and the per-process hub of local websockets."""
