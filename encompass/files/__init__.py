"""Reading the files councils upload: CSV decoding, rows and dates, and the report of an import."""
