"""Stage 3: decide every tier from the evidence, and arrange the directory as visitors will see it."""
