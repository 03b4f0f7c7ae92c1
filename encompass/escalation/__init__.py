"""The worker's clock: what is due now is asked of the database, then done."""
