"""The review queue: children the matcher could not place, decided by a council coordinator."""
