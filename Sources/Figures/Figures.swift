// The Figures target.
