"""Privacy guard: text extraction from files (extraction.py); detectors and the publication gate
follow in the privacy issue."""
