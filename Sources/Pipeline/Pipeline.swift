// The Pipeline target.
