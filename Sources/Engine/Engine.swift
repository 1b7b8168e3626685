// The Engine target.
