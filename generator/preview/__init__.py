"""The live preview: the same stages, redone for only what an edit touched."""
