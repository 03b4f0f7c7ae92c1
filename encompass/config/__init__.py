"""Configuration: the config/ profiles and the environment, read once at start-up."""
