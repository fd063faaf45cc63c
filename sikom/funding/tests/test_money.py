from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from sikom.funding.money import format_money, parse_money, percent_of, share, split_by_weights


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("1.234,56", "1234.56"),
        ("1234,56", "1234.56"),
        ("1234.56", "1234.56"),
        ("1.234", "1234.00"),
        ("1.234.567,8", "1234567.80"),
        ("12,5", "12.50"),
        ("0", "0.00"),
        (" 2.600.000,00 € ", "2600000.00"),
        ("999.999.999.999,99", "999999999999.99"),
    ],
)
def test_german_amounts_are_read(text, amount):
    assert parse_money(text) == Decimal(amount)
    assert parse_money(text).as_tuple().exponent == -2


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("-5", "negative"),
        ("−5,00", "negative"),
        ("1,234", "decimals"),
        ("1.234,567", "decimals"),
        ("12.345", None),  # thousands: 12345 — valid, checked below
        ("1.2345", "decimals"),
        ("abc", "invalid"),
        ("1.23.4", "invalid"),
        ("1e5", "invalid"),
        ("NaN", "invalid"),
        ("Infinity", "invalid"),
        ("1.000.000.000.000,00", "invalid"),
        ("", "invalid"),
    ],
)
def test_bad_amounts_are_refused_with_the_rule(text, code):
    if code is None:
        assert parse_money(text) == Decimal("12345.00")
        return
    with pytest.raises(ValidationError) as error:
        parse_money(text)
    assert error.value.code in {code, "too_large"} if code == "invalid" else error.value.code == code


def test_messages_are_german():
    with pytest.raises(ValidationError) as error:
        parse_money("1,234")
    assert "zwei Nachkommastellen" in error.value.messages[0]
    with pytest.raises(ValidationError) as error:
        parse_money("-1")
    assert "negativ" in error.value.messages[0]


def test_floats_are_not_taken():
    with pytest.raises(ValidationError):
        parse_money(0.1)


def test_format_money_is_german():
    assert format_money(Decimal("1234567.8")) == "1.234.567,80"
    assert format_money(Decimal("0")) == "0,00"
    assert format_money(Decimal("-12.5")) == "-12,50"


def test_percent_and_share_round_safely():
    assert percent_of(Decimal("9000.00"), Decimal("10000.00")) == Decimal("90.00")
    assert percent_of(Decimal("1"), Decimal("0")) == Decimal("0.00")
    # Never above the limit by rounding: 90 % of 333,33 is 299,997 → 299,99.
    assert share(Decimal("333.33"), Decimal("90")) == Decimal("299.99")


def test_split_by_weights_sums_to_the_cent():
    split = split_by_weights(Decimal("100.00"), {2027: 1, 2028: 1, 2029: 1})
    assert sum(split.values()) == Decimal("100.00")
    assert sorted(split.values()) == [Decimal("33.33"), Decimal("33.33"), Decimal("33.34")]
    assert split_by_weights(Decimal("10.00"), {2027: Decimal("0"), 2028: Decimal("0")}) == {
        2027: Decimal("5.00"),
        2028: Decimal("5.00"),
    }
    # 0.1 + 0.2 with floats is not 0.3; with Decimal cents it is.
    assert sum(split_by_weights(Decimal("0.30"), {1: 1, 2: 2}).values()) == Decimal("0.30")
