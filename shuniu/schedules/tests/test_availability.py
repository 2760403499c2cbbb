import pytest

from shuniu.core.models import CalendarOverride, OverrideKind, User
from shuniu.schedules.selectors import availability, subtract

from .conftest import Engage, at


@pytest.mark.parametrize(
    ("periods", "busy", "free"),
    [
        ([(1, 5)], [], [(1, 5)]),
        ([(1, 5)], [(2, 3)], [(1, 2), (3, 5)]),
        ([(1, 5)], [(0, 9)], []),
        ([(1, 5)], [(2, 3), (3, 4)], [(1, 2), (4, 5)]),  # back to back
        ([(1, 5), (7, 9)], [(4, 8)], [(1, 4), (8, 9)]),  # across two periods
        ([(1, 5)], [(5, 6), (0, 1)], [(1, 5)]),  # touching only
        ([(7, 9), (1, 5)], [(3, 4), (2, 3)], [(1, 2), (4, 5), (7, 9)]),  # unsorted input
    ],
)
def test_subtract(periods: list[tuple[int, int]], busy: list[tuple[int, int]], free: list[tuple[int, int]]) -> None:
    assert subtract(periods, busy) == free


@pytest.mark.django_db
class TestAvailability:
    def test_a_plain_working_day(self, leader: User) -> None:
        assert availability(leader, at(2026, 11, 26), at(2026, 11, 27)) == [
            (at(2026, 11, 26, 8, 30), at(2026, 11, 26, 12)),
            (at(2026, 11, 26, 14, 30), at(2026, 11, 26, 18)),
        ]

    def test_the_make_up_saturday_is_a_working_day(self, leader: User) -> None:
        free = availability(leader, at(2026, 10, 9, 18), at(2026, 10, 12))
        assert free == [
            (at(2026, 10, 10, 8, 30), at(2026, 10, 10, 12)),
            (at(2026, 10, 10, 14, 30), at(2026, 10, 10, 18)),
        ]

    def test_back_to_back_meetings_leave_only_the_gaps(self, leader: User, engage: Engage) -> None:
        engage(leader, at(2026, 11, 26, 9), at(2026, 11, 26, 10))
        engage(leader, at(2026, 11, 26, 10), at(2026, 11, 26, 11, 30))
        engage(leader, at(2026, 11, 26, 14, 30), at(2026, 11, 26, 16))
        assert availability(leader, at(2026, 11, 26), at(2026, 11, 27)) == [
            (at(2026, 11, 26, 8, 30), at(2026, 11, 26, 9)),
            (at(2026, 11, 26, 11, 30), at(2026, 11, 26, 12)),
            (at(2026, 11, 26, 16), at(2026, 11, 26, 18)),
        ]

    def test_a_trip_across_the_weekend(self, leader: User, engage: Engage) -> None:
        # Thursday noon to Tuesday noon: Thursday morning, then Tuesday afternoon on.
        engage(leader, at(2026, 11, 26, 12), at(2026, 12, 1, 12), kind="trip", title="外出")
        free = availability(leader, at(2026, 11, 26), at(2026, 12, 2))
        assert free == [
            (at(2026, 11, 26, 8, 30), at(2026, 11, 26, 12)),
            (at(2026, 12, 1, 14, 30), at(2026, 12, 1, 18)),
        ]

    def test_a_local_holiday_override(self, leader: User) -> None:
        CalendarOverride.objects.create(date=at(2026, 11, 26).date(), kind=OverrideKind.OFF, note="县庆")
        assert availability(leader, at(2026, 11, 26), at(2026, 11, 27)) == []

    def test_an_extra_working_sunday(self, leader: User) -> None:
        CalendarOverride.objects.create(date=at(2026, 11, 29).date(), kind=OverrideKind.WORK)
        assert availability(leader, at(2026, 11, 29, 10), at(2026, 11, 29, 13)) == [
            (at(2026, 11, 29, 10), at(2026, 11, 29, 12))
        ]

    def test_other_leaders_engagements_do_not_count(self, leader: User, leader2: User, engage: Engage) -> None:
        engage(leader2, at(2026, 11, 26, 8), at(2026, 11, 26, 20))
        assert len(availability(leader, at(2026, 11, 26), at(2026, 11, 27))) == 2
        assert availability(leader2, at(2026, 11, 26), at(2026, 11, 27)) == []
