"""The web front: home and health, GOV.UK Frontend wiring, forms, headers, uploads."""
