from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from .. import services
from ..access import may_edit_strategy
from ..forms import GoalForm, IndicatorForm, IndicatorValueForm, StrategyForm
from ..models import Indicator, InternationalisationStrategy, StrategyGoal


def require_edit(request, strategy) -> None:
    if not may_edit_strategy(request.user, strategy):
        raise PermissionDenied


@login_required
def strategy_detail(request, code):
    strategy = get_object_or_404(
        InternationalisationStrategy.objects.visible_to(request.user)
        .select_related("organisation", "partnership")
        .prefetch_related("goals__indicators__value_updated_by"),
        code=code,
    )
    return render(
        request,
        "partners/strategy_detail.html",
        {
            "strategy": strategy,
            "can_edit": may_edit_strategy(request.user, strategy),
        },
    )


@login_required
def strategy_edit(request, code):
    strategy = get_object_or_404(InternationalisationStrategy.objects.visible_to(request.user), code=code)
    require_edit(request, strategy)
    form = StrategyForm(request.POST or None, instance=strategy)
    if request.method == "POST" and form.is_valid():
        services.save_with_audit(
            form=form,
            by=request.user,
            request=request,
            partnership=strategy.partnership,
            organisation=strategy.organisation,
        )
        messages.success(request, _("The strategy was saved."))
        return redirect(strategy)
    return render(
        request,
        "partners/simple_form.html",
        {
            "form": form,
            "title": _("Edit strategy"),
            "back": strategy.get_absolute_url(),
        },
    )


@login_required
def goal_form(request, code, goal_code=None):
    strategy = get_object_or_404(InternationalisationStrategy.objects.visible_to(request.user), code=code)
    require_edit(request, strategy)
    goal = get_object_or_404(strategy.goals.all(), code=goal_code) if goal_code else StrategyGoal(strategy=strategy)
    form = GoalForm(request.POST or None, instance=goal)
    if request.method == "POST" and form.is_valid():
        services.save_with_audit(
            form=form,
            by=request.user,
            request=request,
            partnership=strategy.partnership,
            organisation=strategy.organisation,
        )
        messages.success(request, _("The goal was saved."))
        return redirect(strategy)
    return render(
        request,
        "partners/simple_form.html",
        {
            "form": form,
            "title": _("Edit goal") if goal_code else _("New goal"),
            "back": strategy.get_absolute_url(),
        },
    )


@login_required
def indicator_form(request, goal_code, code=None):
    goal = get_object_or_404(StrategyGoal.objects.visible_to(request.user).select_related("strategy"), code=goal_code)
    strategy = goal.strategy
    require_edit(request, strategy)
    indicator = get_object_or_404(goal.indicators.all(), code=code) if code else Indicator(goal=goal)
    form = IndicatorForm(request.POST or None, instance=indicator)
    if request.method == "POST" and form.is_valid():
        services.save_with_audit(
            form=form,
            by=request.user,
            request=request,
            partnership=strategy.partnership,
            organisation=strategy.organisation,
        )
        messages.success(request, _("The indicator was saved."))
        return redirect(strategy)
    return render(
        request,
        "partners/simple_form.html",
        {
            "form": form,
            "title": _("Edit indicator") if code else _("New indicator"),
            "back": strategy.get_absolute_url(),
        },
    )


@login_required
def indicator_value(request, code):
    indicator = get_object_or_404(
        Indicator.objects.visible_to(request.user).select_related("goal__strategy"), code=code
    )
    strategy = indicator.goal.strategy
    require_edit(request, strategy)
    form = IndicatorValueForm(request.POST or None, initial={"current_value": indicator.current_value})
    if request.method == "POST" and form.is_valid():
        services.update_indicator_value(
            indicator=indicator, value=form.cleaned_data["current_value"], by=request.user, request=request
        )
        messages.success(
            request,
            _("“%(name)s” now stands at %(value)s.")
            % {"name": indicator.name, "value": form.cleaned_data["current_value"]},
        )
        return redirect(strategy)
    return render(
        request,
        "partners/simple_form.html",
        {
            "form": form,
            "title": _("Update “%(name)s”") % {"name": indicator.name},
            "back": strategy.get_absolute_url(),
        },
    )
