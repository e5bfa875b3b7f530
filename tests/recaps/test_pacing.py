"""Token buckets: in-order reservations, holds for Retry-After, and slowing down on 429s."""

from bot.recaps.pacing import Buckets, TokenBucket


class Ticks:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_callers_are_released_at_the_rate_after_a_burst() -> None:
    ticks = Ticks()
    bucket = TokenBucket(10, burst=3, clock=ticks)
    waits = [round(bucket.reserve(), 3) for _ in range(6)]
    assert waits == [0, 0, 0, 0.1, 0.2, 0.3]


def test_a_hold_stops_the_bucket_until_retry_after() -> None:
    ticks = Ticks()
    bucket = TokenBucket(10, clock=ticks)
    bucket.hold(2.0)
    assert round(bucket.reserve(), 3) == 2.0
    assert round(bucket.reserve(), 3) == 2.1


def test_429s_met_together_halve_the_rate_once_and_it_recovers_within_seconds() -> None:
    ticks = Ticks()
    bucket = TokenBucket(20, burst=5, clock=ticks)
    bucket.hold(1.0)
    for _ in range(5):  # five posts in flight all answered 429
        bucket.slow_down(1.0)
    assert bucket.rate == 10
    assert bucket.burst == 5  # after the hold, the posts that waited go together
    ticks.now += 1.1  # just after the hold, another 429
    bucket.hold(1.0)
    bucket.slow_down(1.0)
    assert bucket.rate == 5
    ticks.now += 0.5
    bucket.speed_up()  # a success within a second of the last 429: not yet
    assert bucket.rate == 5
    ticks.now += 0.5
    bucket.speed_up()
    assert bucket.rate == 10  # doubles every second without a 429
    ticks.now += 1.0
    bucket.reserve()
    assert bucket.rate == 20
    assert bucket.burst == 5


def test_repeated_429s_never_slow_below_one_post_per_retry_after() -> None:
    ticks = Ticks()
    bucket = TokenBucket(20, burst=5, clock=ticks)
    for _ in range(20):
        ticks.now += 1.1
        bucket.hold(1.0)
        bucket.slow_down(1.0)
    assert bucket.rate == 1.0  # the 429s say a post a second is allowed; not one per 10 s


def test_repeated_429s_never_slow_below_the_rate_that_went_through() -> None:
    ticks = Ticks()
    bucket = TokenBucket(20, burst=5, clock=ticks)
    for _ in range(20):
        ticks.now += 1.1
        for _ in range(6):  # six posts a second go through between the 429s
            bucket.speed_up()
        bucket.hold(1.0)
        bucket.slow_down(1.0)
    assert bucket.rate >= 5  # about what went through over the last 3 s
    assert bucket.rate < 20


def test_a_sporadic_429_is_held_for_but_does_not_slow_the_bucket() -> None:
    ticks = Ticks()
    bucket = TokenBucket(20, burst=5, clock=ticks)
    for _ in range(10):  # one post in 50 answered 429, at the configured rate
        for _ in range(49):
            ticks.now += 0.05
            bucket.speed_up()
        bucket.hold(1.0)
        bucket.slow_down(1.0)
        assert bucket.rate == 20
        assert round(bucket.reserve(), 3) == 1.0  # the Retry-After, exactly
        ticks.now += 1.0
    for _ in range(3):  # then 429s one post in three: a pace the platform refuses
        for _ in range(2):
            ticks.now += 0.05
            bucket.speed_up()
        bucket.hold(1.0)
        bucket.slow_down(1.0)
        ticks.now += 1.0
    assert bucket.rate < 20


def test_buckets_are_per_key_and_bounded() -> None:
    buckets = Buckets(1.0, keep=2)
    first = buckets["W1"]
    first.hold(5)
    assert buckets["W2"].held_until == 0.0  # one workspace's hold is not another's
    buckets["W3"]
    assert buckets["W1"] is not first  # least recently used forgotten
