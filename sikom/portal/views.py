from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from sikom.accounts.selectors import confirmed_totp_device, is_verified_staff, organisations_editable_by
from sikom.cases.selectors import handles_cases
from sikom.core import navigation
from sikom.offers.vocabulary import Situation


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/home.html", {"situations": Situation.choices})


@never_cache
@login_required
@require_GET
def my_area(request: HttpRequest) -> HttpResponse:
    user = request.user
    if user.must_use_two_factor and not user.is_verified():
        step = "accounts:two_factor_verify" if confirmed_totp_device(user) else "accounts:two_factor_setup"
        return redirect(step)
    return render(
        request,
        "portal/my_area.html",
        {
            "can_edit_own_contact": is_verified_staff(user)
            and organisations_editable_by(user).filter(pk=user.organisation_id).exists(),
            "handles_cases": handles_cases(user),
            "personal_links": navigation.personal_links(user),
        },
    )
