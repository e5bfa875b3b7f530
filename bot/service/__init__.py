"""Running the bot as a service: supervision, readiness, metrics, graceful stop.

Nothing here imports a chat library; the platforms plug their tasks and readiness in.
"""
