"""Alerts to a setting's Key Adults: creation, the secure link, acknowledgement."""
