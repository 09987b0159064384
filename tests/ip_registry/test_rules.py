from datetime import date

import pytest
from django.core.exceptions import ValidationError

from core.demo import SCALES
from core.identifiers import normalize_patent_number, patent_type_code, validate_uscc
from ip_registry.imports import RowInvalid, parse_ipc
from ip_registry.models import LegalStatus as S
from ip_registry.models import Patent, patent_expiry
from ip_registry.selectors import coverage_for_year, fee_status, gap_list
from ip_registry.services import status_periods_compute
from tests.ip_registry.factories import EnterpriseFactory, designate, patent_with_history

REAL_NUMBERS = [
    "201710601862.3",
    "201310699744.2",
    "200820009767.0",
    "200820132792.8",
    "201110047567.0",
    "201080063196.9",
    "200510113767.6",
    "200310100002.X",
    "00814037.5",
    "01800565.9",
    "97101765.4",
]
REAL_USCCS = [
    "91310115591693856A",
    "91110108551385082Q",
    "91110000600037341L",
    "91440300MA5H0HLK5U",
]


@pytest.mark.parametrize("number", REAL_NUMBERS)
def test_real_numbers_verify_in_every_messy_spelling(number):
    digits, check = number.split(".")
    for messy in (
        number,
        f"ZL{number}",
        f"CN {digits}{check}",
        f" {digits}.{check} (A)",
        number.translate(str.maketrans("0123456789.X", "０１２３４５６７８９．Ｘ")),
    ):
        assert normalize_patent_number(messy) == number


@pytest.mark.parametrize("number", REAL_NUMBERS)
def test_corrupted_numbers_fail_with_a_chinese_message(number):
    digits, check = number.split(".")
    wrong_check = "0" if check != "0" else "1"
    swapped = digits[:-2] + digits[-1] + digits[-2]
    for bad in (f"{digits}.{wrong_check}", f"{swapped}.{check}" if swapped != digits else None):
        if bad is None:
            continue
        with pytest.raises(ValidationError, match=r"校验位不正确|类型位"):
            normalize_patent_number(bad)


@pytest.mark.parametrize("uscc", REAL_USCCS)
def test_real_usccs_verify_and_corrupted_fail(uscc):
    assert validate_uscc(uscc.lower()) == uscc
    corrupted = uscc[:-1] + ("0" if uscc[-1] != "0" else "1")
    with pytest.raises(ValidationError, match="统一社会信用代码"):
        validate_uscc(corrupted)


def test_terms_by_type_and_design_law_change():
    assert patent_type_code("97101765.4") == "1"
    assert patent_expiry("1", date(2017, 8, 1)) == date(2037, 8, 1)
    assert patent_expiry("2", date(2008, 2, 29)) == date(2018, 2, 28)
    assert patent_expiry("3", date(2021, 5, 31)) == date(2031, 5, 31)
    assert patent_expiry("3", date(2021, 6, 1)) == date(2036, 6, 1)
    assert patent_expiry("9", date(2020, 1, 1)) == date(2030, 1, 1)


def test_status_periods_cut_at_expiry_and_order_same_day_events():
    periods = status_periods_compute(
        [
            (S.GRANTED, date(2010, 1, 1)),
            (S.PENDING, date(2009, 1, 1)),
            (S.LAPSED, date(2012, 1, 1)),
            (S.RESTORED, date(2012, 3, 1)),
        ],
        expiry=date(2019, 1, 1),
    )
    assert periods == [
        (S.PENDING, date(2009, 1, 1), date(2010, 1, 1)),
        (S.GRANTED, date(2010, 1, 1), date(2012, 1, 1)),
        (S.LAPSED, date(2012, 1, 1), date(2012, 3, 1)),
        (S.RESTORED, date(2012, 3, 1), date(2019, 1, 1)),
        (S.EXPIRED, date(2019, 1, 1), None),
    ]
    same_day = status_periods_compute(
        [(S.LAPSED, date(2015, 1, 1)), (S.GRANTED, date(2015, 1, 1))], expiry=None
    )
    assert same_day == [(S.LAPSED, date(2015, 1, 1), None)]


def test_ipc_is_split_into_section_class_subclass_group():
    assert parse_ipc("A61K31/495(2006.01)；c10g 1/00") == [
        ("A61K 31/495", "A", "A61", "A61K", "31", "495"),
        ("C10G 1/00", "C", "C10", "C10G", "1", "00"),
    ]
    with pytest.raises(RowInvalid):
        parse_ipc("A61K")


def test_fee_status_uses_anniversaries_and_six_month_grace():
    filing = date(2015, 3, 10)
    due_soon = fee_status(
        filing_date=filing, fees_paid_until=None, on=date(2020, 2, 1), notice_days=90
    )
    assert due_soon[:2] == (2, date(2020, 3, 10)) and "宽限期至 2020-09-10" in due_soon[2]
    assert (
        fee_status(filing_date=filing, fees_paid_until=None, on=date(2020, 4, 1), notice_days=90)
        is None
    )
    overdue = fee_status(
        filing_date=filing, fees_paid_until=date(2020, 3, 10), on=date(2020, 5, 1), notice_days=90
    )
    assert overdue[:2] == (1, date(2020, 9, 10))


@pytest.mark.django_db
def test_gap_list_orders_whom_to_call():
    on = date(2020, 2, 1)
    none, grace, expiring, safe = (EnterpriseFactory(name=n) for n in ("甲", "乙", "丙", "丁"))
    for ent in (none, grace, expiring, safe):
        designate(ent, 2019)
    granted = [(S.PENDING, date(2015, 6, 1)), (S.GRANTED, date(2016, 6, 1))]
    p = patent_with_history(holder=grace, events=granted, filing_date=date(2015, 6, 1))
    Patent.objects.filter(pk=p.pk).update(fees_paid_until=date(2019, 12, 1))
    patent_with_history(
        holder=expiring,
        application_number="201120000001.8",
        filing_date=date(2011, 1, 5),
        events=[(S.PENDING, date(2011, 1, 5)), (S.GRANTED, date(2011, 9, 1))],
    )
    patent_with_history(holder=safe, events=granted, filing_date=date(2015, 6, 1))
    entries = gap_list(year=2019, on=on)
    assert [(e.enterprise.name, e.category) for e in entries] == [("甲", 0), ("乙", 1), ("丙", 2)]
    assert entries[1].due_date == date(2020, 6, 1)
    assert "届满" in entries[2].reason or "年费" in entries[2].reason


@pytest.mark.django_db
def test_demo_coverage_crosses_the_plan_targets():
    from ip_registry import demo

    summary = demo.seed(scale=SCALES["small"], progress=lambda it, desc: it)
    assert summary["专利"] == SCALES["small"].patents
    rates = {y: coverage_for_year(year=y).rate for y in range(2016, 2021)}
    assert rates[2016] < 40 <= rates[2017]
    assert rates[2018] < 60 <= rates[2019]
    again = demo.seed(scale=SCALES["small"], progress=lambda it, desc: it)
    assert again["新建专利"] == 0
