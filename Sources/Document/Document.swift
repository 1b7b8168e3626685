// The Document target.
