"""Sources, summaries and the proof that every cited quote is in its source."""
