"""Profiles: the questionnaire, its answers, homes, and the stored vectorizer and vectors."""
