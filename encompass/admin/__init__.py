"""Council coordinator and admin pages: settings, coverage."""
