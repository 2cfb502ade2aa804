"""Stage 4: turn the decided site into pages, badges and contact cards, through user-overridable templates."""
