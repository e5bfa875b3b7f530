"""Command handlers. Each returns a neutral Reply and knows nothing of chat platforms.

``catalog.py`` lists them (``TOPIC_COMMANDS``, ``build_registry``); import from there.
"""
