"""Intake of police notices: the API, the validation and the service behind both."""
