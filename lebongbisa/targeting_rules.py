"""Program target rules (`desil <= 2 and children_school_age > 0`), checked and evaluated safely.

A rule is a Python-like boolean expression over household attributes: comparisons, `and`,
`or`, `not`, numbers and the names in `ATTRIBUTES`. Anything else (calls, attributes, strings)
is refused with a clear message, so a catalog cannot run code.
"""

from __future__ import annotations

import ast

import numpy as np
import pandas as pd

#: Household attributes a rule may use (computed by the targeting stage's household base).
ATTRIBUTES = {
    "desil": "welfare desil (DTSEN where present, else P3KE); missing = not in a registry",
    "dtks": "household has a member in DTKS (True/False)",
    "members": "number of members",
    "children_0_6": "members aged 0-6",
    "children_school_age": "members aged 7-18",
    "elderly_70": "members aged 70 and over",
    "female_head": "the head is a woman",
    "head_agriculture": "the head works in agriculture",
    "has_business": "the household runs a business (UMKM registry)",
    "workers": "members who work",
    "own_farm": "a member farms on their own account (own-account worker or employer in "
    "agriculture; not a farm labourer)",
    "house_unfit": "earth floor or bamboo wall",
}
_ALLOWED = (
    ast.Expression,
    ast.BoolOp,
    ast.And,
    ast.Or,
    ast.UnaryOp,
    ast.Not,
    ast.Compare,
    ast.Lt,
    ast.LtE,
    ast.Gt,
    ast.GtE,
    ast.Eq,
    ast.NotEq,
    ast.Name,
    ast.Load,
    ast.Constant,
)


def check_rule(rule: str) -> str | None:
    """None when the rule is valid, else a message saying what is wrong."""
    try:
        tree = ast.parse(rule, mode="eval")
    except SyntaxError:
        return f"{rule!r} is not a valid expression"
    for node in ast.walk(tree):
        if not isinstance(node, _ALLOWED):
            return f"{rule!r} uses {type(node).__name__}, which a target rule cannot use"
        if isinstance(node, ast.Name) and node.id not in ATTRIBUTES:
            return (
                f"{rule!r} uses unknown attribute {node.id!r}; known: "
                f"{', '.join(sorted(ATTRIBUTES))}"
            )
        if isinstance(node, ast.Constant) and not isinstance(node.value, int | float | bool):
            return f"{rule!r} compares with {node.value!r}; only numbers and True/False"
    return None


def rule_attributes(rule: str) -> set[str]:
    """The household attributes a rule reads."""
    return {n.id for n in ast.walk(ast.parse(rule, mode="eval")) if isinstance(n, ast.Name)}


def evaluate_rule(rule: str, households: pd.DataFrame) -> pd.Series:
    """Boolean per household; a missing attribute value (e.g. no desil) counts as not met."""
    err = check_rule(rule)
    if err:
        raise ValueError(err)
    tree = ast.parse(rule, mode="eval")

    def ev(node):
        if isinstance(node, ast.Expression):
            return ev(node.body)
        if isinstance(node, ast.BoolOp):
            vals = [ev(v) for v in node.values]
            out = vals[0]
            for v in vals[1:]:
                out = (out & v) if isinstance(node.op, ast.And) else (out | v)
            return out
        if isinstance(node, ast.UnaryOp):
            return ~ev(node.operand)
        if isinstance(node, ast.Compare):
            left = ev(node.left)
            out = pd.Series(True, index=households.index)
            for op, comp in zip(node.ops, node.comparators, strict=True):
                right = ev(comp)
                res = {
                    ast.Lt: np.less,
                    ast.LtE: np.less_equal,
                    ast.Gt: np.greater,
                    ast.GtE: np.greater_equal,
                    ast.Eq: np.equal,
                    ast.NotEq: np.not_equal,
                }[type(op)](left, right)
                out = out & pd.Series(res, index=households.index).fillna(False).astype(bool)
                left = right
            return out
        if isinstance(node, ast.Name):
            col = households[node.id]
            if col.dtype == bool or str(col.dtype) == "boolean":
                return col.fillna(False).astype(bool)
            return pd.to_numeric(col, errors="coerce")
        return node.value

    result = ev(tree)
    if not isinstance(result, pd.Series):
        result = pd.Series(bool(result), index=households.index)
    return result.fillna(False).astype(bool)
