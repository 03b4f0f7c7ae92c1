"""What the service keeps and how: the audit chain, retention, encryption at rest."""
