"""Stage 1: read the content folder into typed values, collecting every problem."""
