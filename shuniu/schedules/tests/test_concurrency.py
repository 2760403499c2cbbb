"""Two people at once: one success, one clear message, nothing done twice."""

import datetime as dt
from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from shuniu.audit.models import AuditEntry
from shuniu.core.models import InboxItem, User
from shuniu.core.testing import at_once as run_at_once
from shuniu.schedules import services
from shuniu.schedules.models import CheckItem, KeyWork, WeeklyPlanVersion

from .conftest import Engage, at

MONDAY = dt.date(2026, 11, 23)


def at_once(*actions: Callable[[], object]) -> tuple[list[object], list[str]]:
    """`core.testing.at_once`, sorted into results and the refusals' messages (anything else fails)."""
    outcomes = run_at_once(*actions)
    assert [o for o in outcomes if isinstance(o, BaseException) and not isinstance(o, ValidationError)] == []
    refused = [" ".join(o.messages) for o in outcomes if isinstance(o, ValidationError)]
    return [o for o in outcomes if not isinstance(o, BaseException)], refused


@pytest.mark.django_db(transaction=True)
def test_two_editors_publish_the_same_week_at_once(clerk: User, director: User, leader: User, engage: Engage) -> None:
    engage(leader, at(2026, 11, 24, 9), at(2026, 11, 24, 10), title="常委会")
    results, refused = at_once(
        lambda: services.weekly_plan_publish(week_start=MONDAY, base=0, actor=clerk),
        lambda: services.weekly_plan_publish(week_start=MONDAY, base=0, actor=director),
    )
    assert len(results) == 1
    assert len(refused) == 1
    version = WeeklyPlanVersion.objects.get()
    assert version.number == 1
    assert f"本周安排刚由 {version.published_by.full_name}" in refused[0]
    assert "发布为第 1 版" in refused[0]
    assert AuditEntry.objects.filter(action="weekly_plan.publish").count() == 1
    assert InboxItem.objects.filter(recipient=leader).count() == 1


@pytest.mark.django_db(transaction=True)
def test_one_editor_clicks_publish_twice(clerk: User, leader: User, engage: Engage) -> None:
    engage(leader, at(2026, 11, 24, 9), at(2026, 11, 24, 10), title="常委会")
    results, refused = at_once(
        lambda: services.weekly_plan_publish(week_start=MONDAY, actor=clerk),
        lambda: services.weekly_plan_publish(week_start=MONDAY, actor=clerk),
    )
    assert len(results) == 1
    assert refused == ["与第 1 版相比没有变化，无需重新发布。"]
    assert list(WeeklyPlanVersion.objects.values_list("number", flat=True)) == [1]


@pytest.mark.django_db(transaction=True)
def test_two_people_tick_the_same_step_at_once(clerk: User, director: User) -> None:
    item = services.key_work_create(
        title="迎检", owner=clerk, start=timezone.now() + dt.timedelta(days=2), checklist=["汇报材料"], actor=clerk
    )
    step = item.checklist.get()
    results, refused = at_once(
        lambda: services.check_item_set(item=CheckItem.objects.get(pk=step.pk), done=True, actor=clerk),
        lambda: services.check_item_set(item=CheckItem.objects.get(pk=step.pk), done=True, actor=director),
    )
    assert len(results) == 1
    assert len(refused) == 1
    step.refresh_from_db()
    assert step.done_by is not None
    assert refused[0].startswith(f"该事项已由 {step.done_by.full_name} 于 ")
    assert AuditEntry.objects.filter(action="key_work.check").count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_people_complete_the_same_key_work_at_once(clerk: User, director: User) -> None:
    item = services.key_work_create(title="迎检", owner=clerk, start=timezone.now() + dt.timedelta(days=2), actor=clerk)
    results, refused = at_once(
        lambda: services.key_work_complete(item=KeyWork.objects.get(pk=item.pk), actor=clerk),
        lambda: services.key_work_complete(item=KeyWork.objects.get(pk=item.pk), actor=director),
    )
    assert len(results) == 1
    assert len(refused) == 1
    item.refresh_from_db()
    assert item.done
    assert item.version == 2
    assert item.done_by is not None
    assert refused[0].startswith(f"「迎检」已由 {item.done_by.full_name} 于 ")
    assert AuditEntry.objects.filter(action="key_work.complete").count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_people_reschedule_the_same_key_work_at_once(clerk: User, director: User) -> None:
    start = timezone.now().replace(second=0, microsecond=0) + dt.timedelta(days=2)
    item = services.key_work_create(title="迎检", owner=clerk, start=start, actor=clerk)
    results, refused = at_once(
        lambda: services.key_work_reschedule(
            item=item, version=1, start=start + dt.timedelta(days=1), end=None, actor=clerk
        ),
        lambda: services.key_work_reschedule(
            item=item, version=1, start=start + dt.timedelta(days=2), end=None, actor=director
        ),
    )
    assert len(results) == 1
    assert refused == ["该重点工作已被他人修改，请刷新后再改。"]
    assert KeyWork.objects.get(pk=item.pk).version == 2
