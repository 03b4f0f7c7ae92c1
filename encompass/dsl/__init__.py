"""Key Adult (DSL) pages: the setting's inbox of notifications."""
