"""One allowance per person for commands and page buttons: a burst, then a steady rate."""

from bot.platforms.limits import MAX_USERS, UserLimiter, slow_down


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_burst_then_the_rate_then_a_wait_that_says_how_long() -> None:
    clock = Clock()
    limiter = UserLimiter(per_minute=30, burst=3, clock=clock)
    assert [limiter.wait("slack", "U1") for _ in range(3)] == [0.0, 0.0, 0.0]
    assert limiter.wait("slack", "U1") == 2.0  # one token every 2 s
    clock.now += 2.0
    assert limiter.wait("slack", "U1") == 0.0
    assert limiter.wait("slack", "U2") == 0.0  # someone else is not held up
    assert limiter.wait("discord", "U1") == 0.0  # nor the same id on another platform


def test_waiting_does_not_cost_a_token_and_the_burst_refills() -> None:
    clock = Clock()
    limiter = UserLimiter(per_minute=60, burst=2, clock=clock)
    limiter.wait("slack", "U1")
    limiter.wait("slack", "U1")
    assert limiter.wait("slack", "U1") > 0
    assert limiter.wait("slack", "U1") > 0
    clock.now += 60
    assert [limiter.wait("slack", "U1") for _ in range(3)][:2] == [0.0, 0.0]


def test_zero_turns_it_off_and_memory_is_bounded() -> None:
    off = UserLimiter(per_minute=0, burst=1)
    assert all(off.wait("slack", "U1") == 0.0 for _ in range(1000))
    limiter = UserLimiter(per_minute=30, burst=1)
    for n in range(MAX_USERS + 100):
        limiter.wait("slack", f"U{n}")
    assert len(limiter._buckets) == MAX_USERS


def test_the_message_says_when_to_try_again() -> None:
    assert slow_down(0.2).endswith("try again in 1 second.")
    assert slow_down(2.5).endswith("try again in 3 seconds.")
