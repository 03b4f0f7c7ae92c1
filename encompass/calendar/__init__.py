"""When is a setting open? The next school day, holiday periods. No Flask here."""
