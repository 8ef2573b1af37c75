"""Money at stake, each yuan counted once (issue 17; docs/decisions.md, "Money at stake").

A finding's ``effect.amount`` is the money *that finding* is about. Two findings may be about the
same money: 兴安盟's local money not arrived by Dec 31 (AR001) is the very money paid into the
财政专户 on Jan 2 (DL002); an over-reported person's subsidy is counted by the roster check that
excludes the record (EN001–EN011), by EN009's declared-minus-verified count, and by ST002's
entitled amount recomputed from the verified count. A total that adds them counts that money
twice. So each finding is given a *pot* (the money it is about: a kind and a region) and a
*claim* within it (one way of measuring that pot); a pot counts the largest of its claims, a
claim the sum of its findings, and the total is the sum of the pots.

Findings about a form rather than its money count nothing: ST003 (a negative settlement not
marked as a clawback: the figure is right, its marking is not) and every info finding (YY001,
MT001, ST005, IN003). A code not listed here (a user's own check) is a pot of its own per
region and subject, its own effect counted as it stands.

``stake(finding)`` -> (pot, claim, amount in 元); ``at_stake(findings)`` -> the total in 元.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

ZERO = Decimal(0)

# Codes whose finding is about a form, not money: counted as nothing.
FORM_ONLY = frozenset({"ST003", "ST005", "YY001", "MT001", "CC001", "PF002", "DF001", "DF002"})
FORM_FAMILIES = ("IN",)  # how the package was filled in (IN001–IN004 and any added): never money

# code -> (pot kind, claim): codes sharing a pot kind measure the same money of a region.
POTS: dict[str, tuple[str, str]] = {
    # the region's local money not in the 财政专户 by Dec 31: the shortfall, or the late vouchers
    "AR001": ("local-arrival", "shortfall"),
    "DL002": ("local-arrival", "late"),
    # persons who should not be in the count, and their subsidy: the records excluded, the
    # count over-reported, the entitled amount recomputed from the verified count
    **{f"EN{n:03d}": ("enrolled", "records") for n in (1, 2, 3, 4, 5, 6, 7, 8, 10, 11)},
    "EN009": ("enrolled", "over-reported"),
    "ST002": ("enrolled", "entitled"),
    # money over-disbursed, and the same money then spent or passed on
    "DS001": ("over-disbursed", "excess"),
    "DS003": ("over-disbursed", "disposed"),
    # a region's individual contributions: below the minimum standard, or miscounted
    "IC001": ("contributions", "standard"),
    "IC002": ("contributions", "collected"),
}

_LOCAL_PAYERS = ("prefecture", "county")


def _get(finding: Any, name: str) -> Any:
    """A finding's field, from a Finding or from its JSON form (the web page reads the JSON)."""
    if isinstance(finding, dict):
        if name == "amount":
            return Decimal(str((finding.get("effect") or {}).get("amount") or 0))
        return finding.get(name)
    if name == "amount":
        return finding.effect.amount
    return getattr(finding, name)


def stake(finding: Any) -> tuple[tuple, str, Decimal]:
    """(pot, claim, amount in 元) of one finding; amount 0 for a form-only or info finding."""
    code = _get(finding, "code") or ""
    region = _get(finding, "region") or ""
    amount = abs(Decimal(_get(finding, "amount") or 0))
    if _get(finding, "severity") == "info" or code in FORM_ONLY or code.startswith(FORM_FAMILIES):
        return ("form", code, region, _get(finding, "subject") or ""), code, ZERO
    kind = POTS.get(code)
    if code == "DL002":
        payer = (_get(finding, "figures") or {}).get("payer")
        if payer not in _LOCAL_PAYERS:  # a higher level's money paid late is not the local shortfall
            kind = None
    if kind is None:
        return (code, region, _get(finding, "subject") or ""), code, amount
    pot, claim = kind
    return (pot, region), claim, amount


def pots(findings: Iterable[Any]) -> dict[tuple, Decimal]:
    """Each pot's money: the largest of its claims, each claim the sum of its findings."""
    claims: dict[tuple, dict[str, Decimal]] = {}
    for finding in findings:
        pot, claim, amount = stake(finding)
        per_pot = claims.setdefault(pot, {})
        per_pot[claim] = per_pot.get(claim, ZERO) + amount
    return {pot: max(per_pot.values()) for pot, per_pot in claims.items()}


def at_stake(findings: Iterable[Any]) -> Decimal:
    """The money at stake of ``findings`` in 元, each yuan counted once (module docstring)."""
    return sum(pots(findings).values(), ZERO)
