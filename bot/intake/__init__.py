"""Intake of new reporting and court filings (issue 19): found, read against the brief, put
before the editors in their channel; nothing reaches readers until an editor accepts it.

- ``fetching``: bounded HTTP GETs with the SSRF guard and the per-host pause;
- ``feeds``: RSS and Atom (feedparser), conditional requests;
- ``matching``: SOURCE_MATCH, and the default built from the brief's names;
- ``courtlistener``: new docket entries from CourtListener's REST API (v4);
- ``reading``: an item's page reduced to its article text and reviewed against the brief;
- ``editors``: the editors' channel (``EditorsChannel``, implemented by each platform) and
  its exactly-once post;
- ``service``: the poller (a supervised task), ``/brief add``, and what /readyz and /metrics
  show; ``decisions``: ``intake list|show|accept|reject``.
"""
