"""The platform-neutral core: replies, freshness, the command registry and dispatch."""
