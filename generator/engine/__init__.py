"""Who runs the pieces of work: processes on this machine, memory and progress around them."""
