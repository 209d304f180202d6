"""Recommendations: the ranker's inputs and the stored recommendations."""
