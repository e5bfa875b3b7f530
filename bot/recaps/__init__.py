"""Scheduled recaps: subscriptions, schedules, composition, delivery exactly once."""
