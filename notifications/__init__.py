"""Notification dispatch: a Redis Stream of notifications, delivered by worker processes in a consumer group."""
