"""Training (issue 18): sessions and their records, practice deliveries and their feedback,
trainers' certification, and coverage for the safety team."""
