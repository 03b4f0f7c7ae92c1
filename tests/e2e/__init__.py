"""End-to-end tests: the service talks to a real (fake) Twilio server and a real SMTP server."""
