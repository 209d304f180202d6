"""Places: geocoding, gazetteers, the coarse grid and the one distance function."""
