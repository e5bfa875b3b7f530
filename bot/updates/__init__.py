"""When the case moves: content versions, what changed between them, and (issues 18b, 18c)
the update posts and the corrections made in place that follow from them.
"""
