"""Every outbound message: queued as a Delivery row, claimed, sent through a transport."""
