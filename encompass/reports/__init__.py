"""Reports for the safeguarding partnership: weekly counts, timeliness, escalations."""
