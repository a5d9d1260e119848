"""Application status (tình trạng hồ sơ): the Redis status store (codes: ``core.application_codes``), the ingestion API and bulk import."""
