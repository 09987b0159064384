"""Demand ↔ result matching with the reasons shown to both sides."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_noop

from core.phrases import Phrase
from marketplace.models import ListingPage, TechnologyDemandPage, TechnologyResultPage

# Weights: shared keywords count most, then industry; TRL and budget fit decide close calls.
KEYWORD_WEIGHT = 3.0
INDUSTRY_WEIGHT = 2.0
TRL_WEIGHT = 1.0
BUDGET_WEIGHT = 1.0
MODE_WEIGHT = 0.5
CANDIDATE_LIMIT = 400


@dataclass
class Match:
    listing: ListingPage
    score: float
    # Kept as phrases: a match notice is read later, perhaps in another language.
    reason_phrases: list[Phrase] = field(default_factory=list)

    @property
    def reasons(self) -> list[str]:
        return [str(reason) for reason in self.reason_phrases]


def _text(listing) -> str:
    return f"{listing.title} {listing.summary} {listing.keywords}".lower()


def match_score(*, demand, result) -> Match | None:
    """Score a (demand, result) pair; None when nothing ties them together."""
    reasons: list[Phrase] = []
    score = 0.0
    demand_words = {w.lower() for w in demand.keyword_list}
    result_words = {w.lower() for w in result.keyword_list}
    shared = sorted(demand_words & result_words)
    # A demand keyword that appears in the result's title or summary counts half.
    result_text = _text(result)
    loose = sorted(w for w in demand_words - result_words if len(w) >= 2 and w in result_text)
    if shared:
        score += KEYWORD_WEIGHT * len(shared)
        reasons.append(Phrase.of(gettext_noop("共同关键词：%(words)s"), words="、".join(shared)))
    if loose:
        score += KEYWORD_WEIGHT / 2 * len(loose)
        reasons.append(Phrase.of(gettext_noop("成果介绍提到：%(words)s"), words="、".join(loose)))
    if not shared and not loose and demand.industry_id != result.industry_id:
        return None
    if demand.industry_id and demand.industry_id == result.industry_id:
        score += INDUSTRY_WEIGHT
        reasons.append(Phrase.of(gettext_noop("同属%(name)s行业"), name=demand.industry.name))
    if demand.trl and result.trl:
        trls = {"trl": result.trl, "trl2": demand.trl}
        if result.trl >= demand.trl:
            score += TRL_WEIGHT
            reasons.append(
                Phrase.of(gettext_noop("成熟度满足：成果 TRL %(trl)s ≥ 需求 TRL %(trl2)s"), **trls)
            )
        else:
            score -= TRL_WEIGHT
            reasons.append(
                Phrase.of(gettext_noop("成熟度不足：成果 TRL %(trl)s < 需求 TRL %(trl2)s"), **trls)
            )
    budget = demand.budget_max_wan
    if budget is not None and result.price_wan is not None:
        prices = {"price_display": result.price_phrase, "budget_display": demand.budget_phrase}
        if result.price_wan <= budget:
            score += BUDGET_WEIGHT
            reasons.append(
                Phrase.of(
                    gettext_noop("价格 %(price_display)s 在预算 %(budget_display)s 内"), **prices
                )
            )
        elif result.price_wan <= budget * Decimal("1.5"):
            reasons.append(
                Phrase.of(
                    gettext_noop("价格 %(price_display)s 略超预算 %(budget_display)s"), **prices
                )
            )
        else:
            score -= BUDGET_WEIGHT
            reasons.append(
                Phrase.of(
                    gettext_noop("价格 %(price_display)s 超出预算 %(budget_display)s"), **prices
                )
            )
    elif result.price_wan is None:
        reasons.append(Phrase.of(gettext_noop("成果价格面议")))
    shared_modes = {m.pk for m in demand.modes.all()} & {m.pk for m in result.modes.all()}
    if shared_modes:
        score += MODE_WEIGHT
        reasons.append(Phrase.of(gettext_noop("合作方式一致")))
    if score <= INDUSTRY_WEIGHT and not shared and not loose:
        # Same industry alone is too weak to be called a match.
        return None
    return Match(listing=result, score=score, reason_phrases=reasons)


def _keyword_q(prefix_fields: list[str], words: list[str]) -> Q:
    q = Q()
    for word in words:
        for name in prefix_fields:
            q |= Q(**{f"{name}__icontains": word})
    return q


def _live(model):
    """Live, unexpired listings of one kind, straight on its table (no cross-kind joins)."""
    today = timezone.localdate()
    return model.objects.live().filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))


def _with_modes(model, pk: int):
    """The listing with its industry and modes loaded once, not once per candidate."""
    return model.objects.select_related("industry").prefetch_related("modes").get(pk=pk)


def _candidates(model, *, industry_id, words: list[str]):
    """Live listings of the other kind sharing the industry or a keyword, newest first."""
    return (
        _live(model)
        .filter(Q(industry=industry_id) | _keyword_q(["keywords", "title", "summary"], words))
        .select_related("industry", "organization")
        .prefetch_related("modes")
        .order_by("-first_published_at")
    )


def _best(matches: list[Match], limit: int) -> list[Match]:
    matches.sort(key=lambda m: (-m.score, m.listing.pk))
    return matches[:limit]


def matches_for_demand(*, demand, limit: int = 5) -> list[Match]:
    words = demand.keyword_list
    demand = _with_modes(TechnologyDemandPage, demand.pk)
    candidates = _candidates(TechnologyResultPage, industry_id=demand.industry_id, words=words)
    scored = (match_score(demand=demand, result=r) for r in candidates[:CANDIDATE_LIMIT])
    return _best([m for m in scored if m], limit)


def matches_for_result(*, result, limit: int = 5) -> list[Match]:
    words = result.keyword_list
    result = _with_modes(TechnologyResultPage, result.pk)
    today = timezone.localdate()
    candidates = _candidates(TechnologyDemandPage, industry_id=result.industry_id, words=words)
    open_demands = candidates.filter(Q(deadline__isnull=True) | Q(deadline__gte=today))
    scored = []
    for demand in open_demands[:CANDIDATE_LIMIT]:
        match = match_score(demand=demand, result=result)
        if match:
            scored.append(
                Match(listing=demand, score=match.score, reason_phrases=match.reason_phrases)
            )
    return _best(scored, limit)
