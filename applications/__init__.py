"""Application status (tình trạng hồ sơ): codes, the Redis status store, the ingestion API and bulk import."""
