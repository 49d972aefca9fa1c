"""Hybrid logical clocks: order, wire form, the send and receive rules, clamping."""

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from shared.sync import hlc
from shared.sync.hlc import HLC

T0 = 1_764_000_000_000  # 2025-11-24T16:00:00Z

nodes = st.from_regex(r"[A-Za-z0-9_-]{1,64}", fullmatch=True)
hlcs = st.builds(
    HLC,
    ms=st.integers(0, hlc.MAX_MS),
    counter=st.integers(0, hlc.MAX_COUNTER),
    node=nodes,
)
# Wall clocks as village laptops have them: anything from 1970 to far past the HLC range.
wall_readings = st.integers(-(2**40), 2**60)


class FakeWallClock:
    """A wall clock the test sets by hand."""

    def __init__(self, ms: int = T0) -> None:
        self.ms = ms

    def __call__(self) -> int:
        return self.ms


# --- wire form and order -------------------------------------------------------------------


def test_wire_form_pads_ms_and_counter():
    h = HLC(1_764_000_000_000, 7, "tab-07")
    assert str(h) == "0001764000000000:00007:tab-07"
    assert hlc.format(h) == str(h)
    assert f"{h}" == str(h)


@given(hlcs)
def test_format_then_parse_returns_the_same_hlc(h):
    assert hlc.parse(hlc.format(h)) == h


@given(hlcs, hlcs)
def test_string_order_equals_hlc_order(a, b):
    assert (str(a) < str(b)) == (a < b)
    assert (str(a) == str(b)) == (a == b)


def test_equal_time_and_counter_are_ordered_by_node():
    assert HLC(T0, 3, "device-a") < HLC(T0, 3, "device-b")
    assert HLC(T0, 3, "device-z") < HLC(T0, 4, "device-a")
    assert HLC(T0, 99_999, "z") < HLC(T0 + 1, 0, "a")


@pytest.mark.parametrize(
    "text",
    [
        "",
        "garbage",
        "0001764000000000:00000:",  # empty node
        "0001764000000000:00000",  # missing node
        "0001764000000000:00000:dev:extra",  # extra part
        "0001764000000000:00000:dev:",
        "1764000000000:0:dev",  # not padded
        "-001764000000000:00000:dev",  # negative ms
        "0001764000000000:-0001:dev",  # negative counter
        "9999999999999999:00000:dev",  # ms above 2**53
        "0001764000000000:100000:dev",  # counter too wide
        "00001764000000000:00000:dev",  # ms too wide
        "0001764000000000:00000:dev 1",  # space in node
        "0001764000000000:00000:dev/1",
        "0001764000000000:00000:dév",  # non-ASCII node
        "0001764000000000:00000:" + "n" * 65,  # node too long
        "0001764000000000:00000:dev\n",  # trailing newline
        " 0001764000000000:00000:dev",
        "０００１764000000000:00000:dev",  # fullwidth digits
        "0001764000000000.5:00000:dev",
    ],
)
def test_parse_rejects_malformed_text(text):
    with pytest.raises(ValueError):
        hlc.parse(text)


@pytest.mark.parametrize("value", [None, 5, b"0001764000000000:00000:dev", HLC(T0, 0, "dev")])
def test_parse_rejects_non_strings(value):
    with pytest.raises(ValueError):
        hlc.parse(value)


def test_parse_accepts_the_extremes():
    assert hlc.parse("0000000000000000:00000:a") == HLC(0, 0, "a")
    top = f"{2**53:016d}:99999:{'Z' * 64}"
    assert hlc.parse(top) == HLC(2**53, 99_999, "Z" * 64)


@pytest.mark.parametrize(
    "h", [HLC(-1, 0, "dev"), HLC(2**53 + 1, 0, "dev"), HLC(0, 100_000, "dev"), HLC(0, 0, "")]
)
def test_format_refuses_parts_out_of_range(h):
    with pytest.raises(ValueError):
        hlc.format(h)


# --- the clock -----------------------------------------------------------------------------


@given(st.lists(wall_readings, min_size=1, max_size=60))
def test_now_strictly_increases_whatever_the_wall_clock_does(readings):
    wall = FakeWallClock()
    clock = hlc.Clock("tab-07", wall)
    previous = clock.last
    for reading in readings:
        wall.ms = reading
        current = clock.now()
        assert current > previous
        assert current.node == "tab-07"
        previous = current


def test_now_follows_the_wall_clock_when_it_moves_forward():
    wall = FakeWallClock(T0)
    clock = hlc.Clock("dev", wall)
    assert clock.now() == HLC(T0, 0, "dev")
    assert clock.now() == HLC(T0, 1, "dev")
    wall.ms = T0 + 10
    assert clock.now() == HLC(T0 + 10, 0, "dev")


def test_now_counts_on_when_the_wall_clock_goes_back():
    wall = FakeWallClock(T0)
    clock = hlc.Clock("dev", wall)
    clock.now()
    wall.ms = T0 - 3_600_000
    assert clock.now() == HLC(T0, 1, "dev")


def test_a_full_counter_carries_into_ms():
    wall = FakeWallClock(T0)
    clock = hlc.Clock("dev", wall, last=HLC(T0, hlc.MAX_COUNTER, "dev"))
    assert clock.now() == HLC(T0 + 1, 0, "dev")


def test_a_clock_past_the_last_representable_reading_refuses():
    clock = hlc.Clock("dev", FakeWallClock(0), last=HLC(hlc.MAX_MS, hlc.MAX_COUNTER, "dev"))
    with pytest.raises(OverflowError):
        clock.now()
    assert clock.last == HLC(hlc.MAX_MS, hlc.MAX_COUNTER, "dev")


@given(hlcs, hlcs, wall_readings)
def test_update_result_is_above_both_the_local_and_the_remote_reading(local, remote, wall_ms):
    assume(max(local, remote)[:2] != (hlc.MAX_MS, hlc.MAX_COUNTER))  # nothing is above these
    clock = hlc.Clock("local-node", FakeWallClock(wall_ms), last=local)
    result = clock.update(remote)
    assert result > local
    assert result > remote
    assert result.node == "local-node"
    assert clock.last == result


def test_update_accepts_the_wire_form():
    clock = hlc.Clock("dev", FakeWallClock(T0))
    assert clock.update(f"{T0 + 5000:016d}:00004:server") == HLC(T0 + 5000, 5, "dev")


@pytest.mark.parametrize("remote", ["nonsense", HLC(-5, 0, "x"), HLC(T0, 0, "bad node")])
def test_update_refuses_a_malformed_remote_reading(remote):
    clock = hlc.Clock("dev", FakeWallClock(T0))
    before = clock.last
    with pytest.raises(ValueError):
        clock.update(remote)
    assert clock.last == before


def test_observe_ms_moves_a_slow_clock_up_to_server_time():
    clock = hlc.Clock("dev", FakeWallClock(T0 - 86_400_000))  # a day behind
    assert clock.observe_ms(T0) == HLC(T0, 1, "dev")
    assert clock.now() == HLC(T0, 2, "dev")


def test_observe_ms_never_moves_a_fast_clock_back():
    wall = FakeWallClock(T0 + 3_600_000)  # an hour ahead
    clock = hlc.Clock("dev", wall)
    ahead = clock.now()
    assert clock.observe_ms(T0) > ahead


def test_clock_restored_from_its_last_reading_goes_on_from_there():
    wall = FakeWallClock(T0)
    first = hlc.Clock("dev", wall)
    for _ in range(3):
        first.now()
    wall.ms = T0 - 10_000  # the laptop's clock was reset while it was off
    restored = hlc.Clock("dev", wall, last=first.last)
    assert restored.now() > first.last


@pytest.mark.parametrize("node", ["", "dev 1", "x" * 65, "dév", None])
def test_clock_refuses_a_bad_node(node):
    with pytest.raises(ValueError):
        hlc.Clock(node)


def test_default_wall_clock_gives_current_milliseconds():
    reading = hlc.Clock("dev").now()
    assert abs(reading.ms - hlc.wall_clock_ms()) < 60_000


class ClockMachine(RuleBasedStateMachine):
    """Any mix of local events, receives, server times, restarts and wall-clock jumps."""

    def __init__(self) -> None:
        super().__init__()
        self.wall = FakeWallClock(T0)
        self.clock = hlc.Clock("tab-07", self.wall)
        self.highest = self.clock.last
        self.seen_remote = HLC(0, 0, "")

    def _check(self, reading: HLC) -> None:
        assert reading > self.highest, "the clock went backwards or stood still"
        assert self.clock.last == reading
        self.highest = reading

    @rule(jump=st.integers(-(10**13), 10**13))
    def wall_clock_jumps(self, jump):
        self.wall.ms += jump

    @rule()
    def local_event(self):
        self._check(self.clock.now())

    @precondition(lambda self: self.clock.last.ms < hlc.MAX_MS)
    @rule(remote=hlcs.filter(lambda h: h.ms < hlc.MAX_MS))
    def receive(self, remote):
        reading = self.clock.update(remote)
        assert reading > remote
        self.seen_remote = max(self.seen_remote, remote)
        self._check(reading)

    @rule(offset=st.integers(-(10**12), 10**12))
    def server_time(self, offset):
        self._check(self.clock.observe_ms(min(max(T0 + offset, 0), hlc.MAX_MS - 1)))

    @rule()
    def restart(self):
        self.clock = hlc.Clock("tab-07", self.wall, last=hlc.parse(str(self.clock.last)))

    @invariant()
    def never_below_anything_received(self):
        assert self.clock.last > self.seen_remote


TestClockNeverGoesBackwards = ClockMachine.TestCase


# --- clamping ------------------------------------------------------------------------------


def test_clamp_pulls_a_far_future_hlc_back_to_server_time_and_flags_it():
    far = HLC(T0 + 365 * 86_400_000, 12, "tab-07")  # a device that thinks it is next year
    clamped, flagged = hlc.clamp(far, T0)
    assert flagged is True
    assert clamped == HLC(T0, 12, "tab-07")


def test_clamp_leaves_a_normal_hlc_untouched():
    for h in [
        HLC(T0, 0, "dev"),
        HLC(T0 - 86_400_000, 3, "dev"),
        HLC(T0 + hlc.MAX_AHEAD_MS, 9, "dev"),
    ]:
        assert hlc.clamp(h, T0) == (h, False)


def test_clamp_allows_up_to_five_minutes_ahead():
    assert hlc.clamp(HLC(T0 + 300_000, 0, "d"), T0)[1] is False
    assert hlc.clamp(HLC(T0 + 300_001, 0, "d"), T0)[1] is True
    assert hlc.clamp(HLC(T0 + 10_001, 0, "d"), T0, max_ahead_ms=10_000)[1] is True


@given(hlcs, st.integers(0, hlc.MAX_MS))
def test_clamp_never_leaves_an_hlc_too_far_ahead(h, server_ms):
    clamped, flagged = hlc.clamp(h, server_ms)
    assert clamped.ms - server_ms <= hlc.MAX_AHEAD_MS
    assert flagged == (clamped != h)
    assert hlc.parse(str(clamped)) == clamped


# --- ISO instants --------------------------------------------------------------------------


def test_iso_to_ms_honours_the_offset():
    wib = hlc.iso_to_ms("2026-11-24T09:12:00+07:00")
    assert wib == hlc.iso_to_ms("2026-11-24T02:12:00Z")
    assert wib == hlc.iso_to_ms("2026-11-24T02:12:00.000+00:00")
    assert hlc.ms_to_iso(wib) == "2026-11-24T02:12:00.000+00:00"


def test_ms_to_iso_writes_milliseconds_in_utc():
    assert hlc.ms_to_iso(1_795_486_320_123) == "2026-11-24T02:12:00.123+00:00"
    assert hlc.ms_to_iso(0) == "1970-01-01T00:00:00.000+00:00"


@given(st.integers(hlc.iso_to_ms("0001-01-01T00:00Z"), hlc.iso_to_ms("9999-12-31T23:59:59.999Z")))
def test_ms_to_iso_then_iso_to_ms_round_trips(ms):
    assert hlc.iso_to_ms(hlc.ms_to_iso(ms)) == ms


def test_iso_to_ms_drops_digits_past_the_millisecond():
    assert hlc.iso_to_ms("1970-01-01T00:00:00.0019999Z") == 1
    assert hlc.iso_to_ms("1969-12-31T23:59:59.9999Z") == -1


@pytest.mark.parametrize(
    "text",
    [
        "2026-11-24T09:12:00",  # no offset: which instant?
        "2026-11-24",
        "2026-11-24 09:12:00+07:00",
        "2026-02-30T00:00:00Z",
        "2026-11-24T24:00:00Z",
        "2026-11-24T09:12:60Z",
        "2026-11-24T09:12:00+24:00",
        "2026-11-24T09:12:00+05:60",
        "20261124T091200Z",
        "2026-11-24T09:12:00Z\n",
        "",
        None,
        1_764_000_000_000,
    ],
)
def test_iso_to_ms_rejects_anything_but_an_instant_with_offset(text):
    with pytest.raises(ValueError):
        hlc.iso_to_ms(text)


@pytest.mark.parametrize("ms", [2**53, -(2**53), 1.5, True])
def test_ms_to_iso_rejects_values_outside_the_calendar(ms):
    with pytest.raises(ValueError):
        hlc.ms_to_iso(ms)
