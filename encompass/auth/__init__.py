"""Who may do what: roles and access decisions, passwords, sign-in, two-factor,
rate limits, users and API keys."""
