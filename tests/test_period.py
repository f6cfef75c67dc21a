"""The quarter value type: parsing, order, neighbours and spans."""

from __future__ import annotations

import pytest

from lebongbisa.period import Period, previous


def test_a_quarter_parses_orders_and_knows_its_neighbours():
    q = Period.parse("2025Q1")
    assert (q.year, q.quarter, str(q)) == (2025, 1, "2025Q1")
    assert str(q.previous) == "2024Q4" and str(q.next) == "2025Q2"
    assert str(Period.parse("2024Q4").next) == "2025Q1" and str(q + 5) == "2026Q2"
    assert Period.parse("2024Q4") < q < Period.parse("2025Q2")
    assert previous("2024Q2") == "2024Q1"


def test_a_span_lists_every_quarter_and_refuses_a_backward_range():
    assert [str(p) for p in Period.span("2024Q3:2025Q2")] == [
        "2024Q3",
        "2024Q4",
        "2025Q1",
        "2025Q2",
    ]
    assert [str(p) for p in Period.span("2025Q1")] == ["2025Q1"]
    with pytest.raises(ValueError, match="ends before it starts"):
        Period.span("2025Q2:2025Q1")


@pytest.mark.parametrize("text", ["2025Q5", "2025-Q1", "25Q1", "", "2025q1"])
def test_anything_but_a_quarter_is_refused_with_the_form(text):
    with pytest.raises(ValueError, match="not a quarter like 2025Q1"):
        Period.parse(text)
