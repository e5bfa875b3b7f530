"""/readyz for the intake's poller: last poll, next, and which feeds fail.

Feeds failing do not make the bot unready (readers are served all the same); a poller
that stopped, or has not finished a cycle in three periods, does.
"""

from datetime import UTC, datetime, timedelta

from bot.intake.service import IntakeService
from bot.service.readiness import Readiness


class IntakeComponent:
    name = "intake"

    def __init__(self, service: IntakeService) -> None:
        self.service = service

    async def readiness(self) -> Readiness:
        service = self.service
        failing = service.failing()
        detail = {
            "last_poll": service.last_cycle.isoformat() if service.last_cycle else None,
            "next_poll": service.next_cycle.isoformat() if service.next_cycle else None,
            "feeds": len(service.config.feeds),
            "dockets": len(service.config.dockets),
            "failing": len(failing),
        }
        cause = "; ".join(f"{name}: {error}" for name, error in sorted(failing.items()))
        if not service.alive:
            return Readiness(
                ready=False, detail=detail, reason="intake poller not running", cause=cause
            )
        late = timedelta(seconds=3 * service.config.poll_seconds + 60)
        if service.last_cycle and datetime.now(UTC) - service.last_cycle > late:
            return Readiness(
                ready=False, detail=detail, reason="intake poller is late", cause=cause
            )
        return Readiness(ready=True, detail=detail, cause=cause)
