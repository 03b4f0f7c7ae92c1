"""Configuration profiles: default, development, testing, production.

Every value can be overridden from the environment (and from `.env`, read by python-dotenv).
"""
