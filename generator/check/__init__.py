"""Stage 2: the rules that span files, applied once everything is read."""
