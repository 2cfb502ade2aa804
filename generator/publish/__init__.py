"""Stage 5: write the site beside the old one, check it, and swap it in."""
