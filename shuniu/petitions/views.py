"""Pages of petitions: the register, the intake form with its repeat check, a petition's page."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from shuniu.core.access import current_user
from shuniu.core.confirm import NeedsConfirmation, ask
from shuniu.core.deadlines import clock_of, clock_state
from shuniu.core.forms import form_errors
from shuniu.core.permissions import can, capability_required
from shuniu.core.workcal import WorkingCalendar
from shuniu.petitions import selectors, services
from shuniu.petitions.forms import PersonFormSet, PetitionForm, RevealForm
from shuniu.petitions.models import Petition, Status

PAGE_SIZE = 30


@capability_required("petitions.view")
def petition_list(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    status = request.GET.get("status", "")
    status = status if status in Status.values else ""
    page = Paginator(selectors.petition_list(user, status=status), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "status": status,
        "statuses": Status.choices,
        "can_register": can(user, "petitions.register"),
    }
    return render(request, "petitions/petition_list.html", context)


def _people(formset: Any) -> list[selectors.Person]:
    return [
        selectors.Person(
            name=f.cleaned_data.get("name") or "",
            id_number=f.cleaned_data.get("id_number") or "",
            phone=f.cleaned_data.get("phone") or "",
            township=f.cleaned_data.get("township") or (v.township if (v := f.cleaned_data.get("village")) else None),
            village=f.cleaned_data.get("village"),
            address=f.cleaned_data.get("address") or "",
            representative=bool(f.cleaned_data.get("representative")),
        )
        for f in formset.forms
        if f.is_valid() and f.has_person()
    ]


@capability_required("petitions.register")
@require_http_methods(["GET", "POST"])
@never_cache
def petition_new(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    form = PetitionForm(
        request.POST or None, initial={"received_at": timezone.localtime().replace(second=0, microsecond=0)}
    )
    formset = PersonFormSet(request.POST or None, prefix="p")
    context: dict[str, Any] = {"form": form, "formset": formset}
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        data = form.cleaned_data
        people = _people(formset)
        repeat_of = None
        if data["repeat_of"]:
            repeat_of = selectors.petitions_for(user).filter(pk=data["repeat_of"]).first()
            if repeat_of is None:
                raise Http404
        try:
            petition = services.petition_register(
                actor=user,
                channel=data["channel"],
                received_at=data["received_at"],
                category=data["category"],
                topic=data["topic"],
                summary=data["summary"],
                appeal=data["appeal"],
                people=people,
                people_count=data["people_count"],
                repeat_of=repeat_of,
                new_matter_confirmed=data["confirm"],
            )
        except NeedsConfirmation as exc:
            context |= ask(form, exc)
            context["repeats"] = selectors.possible_repeats(people)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            linked = f"，已作为 {repeat_of.number} 的重复访关联" if repeat_of else ""
            messages.success(request, f"已登记 {petition.number}{linked}。")
            return redirect("petitions:detail", pk=petition.pk)
    elif request.method == "POST" and not formset.is_valid():
        form.add_error(None, "信访人信息有误，请检查。")
    return render(request, "petitions/petition_form.html", context)


def _detail_context(user: Any, petition: Petition) -> dict[str, Any]:
    clock = clock_of(petition, services.NOTIFY_CLOCK)
    return {
        "petition": petition,
        "parties": petition.parties.select_related("petitioner__township", "petitioner__village"),
        "repeats": petition.repeats.order_by("received_at"),
        "clock": clock_state(clock, timezone.now(), WorkingCalendar.load()) if clock else None,
        "can_reveal": can(user, "petitions.reveal"),
        "reveal_form": RevealForm(),
    }


@capability_required("petitions.view")
@never_cache
def petition_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    return render(request, "petitions/petition_detail.html", _detail_context(user, selectors.petition_for(user, pk)))


@capability_required("petitions.reveal")
@require_POST
@never_cache
def petitioner_reveal(request: HttpRequest, pk: int, petitioner_pk: int) -> HttpResponse:
    """The full ID number, phone and address of one petitioner, in this response only (audited)."""
    user = current_user(request)
    petition = selectors.petition_for(user, pk)
    party = petition.parties.select_related("petitioner").filter(petitioner_id=petitioner_pk).first()
    if party is None:
        raise Http404
    form = RevealForm(request.POST)
    context = _detail_context(user, petition)
    try:
        if not form.is_valid():
            raise ValidationError(form_errors(form))
        services.petitioner_revealed(
            actor=user, petitioner=party.petitioner, petition=petition, reason=form.cleaned_data["reason"]
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("petitions:detail", pk=pk)
    context["revealed"] = party.petitioner
    return render(request, "petitions/petition_detail.html", context)
