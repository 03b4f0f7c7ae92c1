"""Police control room pages: submit a notice, follow each child's outcome."""
