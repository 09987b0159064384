"""Field cleaning for contract drafts, shared by the web form and the API.

Both hand the applicant's values to the services, which clean them here: codes or the Chinese
labels people read (技术转让, 分期支付 …), amounts, dates, parties, costs and IP items. Nothing
here writes to the database.
"""

from collections.abc import Iterable
from datetime import date
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Field, TextChoices
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from contracts.models import SUBTYPES, Contract, IPItem, NonTechnicalCost, Party
from core.identifiers import normalize_patent_number, validate_uscc
from core.models import District
from core.numbers import decimal_parse
from core.tables import header_key
from core.vocabularies import vocabulary_resolve

TEXT_FIELDS = {"name": 200, "payment_schedule": 5000, "summary": 5000}


def _model_choices(name: str) -> list[tuple[str, str | Promise]]:
    """The contract column's own choices, so the form, the API and the column agree."""
    field = Contract._meta.get_field(name)
    assert isinstance(field, Field)
    return [(str(code), label) for code, label in field.flatchoices]


CHOICE_FIELDS = {
    name: _model_choices(name)
    for name in ("contract_type", "subtype", "technology_field", "ip_type", "payment_method")
}
DATE_FIELDS = {
    "signed_on": gettext_lazy("签订日期"),
    "valid_from": gettext_lazy("有效期起"),
    "valid_until": gettext_lazy("有效期止"),
}
AMOUNT_FIELDS = {
    "total_amount": gettext_lazy("合同成交额"),
    "declared_technical_amount": gettext_lazy("技术交易额"),
    "declared_non_technical_amount": gettext_lazy("非技术性费用"),
}
CONTRACT_FIELDS = {*TEXT_FIELDS, *CHOICE_FIELDS, *DATE_FIELDS, *AMOUNT_FIELDS, "is_import"}


def _pairs(
    choices: type[TextChoices] | Iterable[tuple[str, str | Promise]],
) -> list[tuple[str, str | Promise]]:
    return list(choices.choices) if isinstance(choices, type) else list(choices)


def choice_code(
    choices: type[TextChoices] | Iterable[tuple[str, str | Promise]], value: object
) -> str:
    """The code for a code or its label, compared without width, case or spaces; '' stays ''."""
    text = str(value or "").strip()
    if not text:
        return ""
    key = header_key(text)
    pairs = _pairs(choices)
    for code, label in pairs:
        # Labels are translated; the Chinese name is accepted whatever the reader's language.
        with translation.override(settings.LANGUAGE_CODE):
            chinese = str(label)
        if key in (header_key(code), header_key(chinese), header_key(str(label))):
            return code
    allowed = "、".join(f"{label}（{code}）" for code, label in pairs)
    raise ValidationError(
        _("“%(value)s”不是可选项（可选：%(allowed)s）") % {"value": text, "allowed": allowed}
    )


def amount_parse(value: object, label: str) -> Decimal:
    """An amount in yuan as typed ("1,200.50"); empty is zero."""
    amount = decimal_parse(str(value).replace(",", ""), label=label) or Decimal("0")
    if amount >= Decimal("1e12"):
        raise ValidationError(_("%(label)s超出范围") % {"label": label})
    return amount.quantize(Decimal("0.01"))


def date_parse(value: object, label: str) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError as exc:
        raise ValidationError(
            _("%(label)s“%(value)s”不是有效日期（格式 YYYY-MM-DD）")
            % {"label": label, "value": value}
        ) from exc


def _number(value: object) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value).replace(",", "").strip())
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def amounts_complete(data: dict, costs: list[dict] | None) -> dict:
    """Fill the figure the applicant left blank: 技术交易额 = 合同成交额 − 非技术性费用.

    The non-technical part is the declared figure, or else the sum of the itemised costs.
    Values that are not numbers are left for `contract_fields_apply` to report.
    """
    data = dict(data)
    total = _number(data.get("total_amount"))
    technical = _number(data.get("declared_technical_amount"))
    non_technical = _number(data.get("declared_non_technical_amount"))
    if non_technical is None and costs:
        amounts = [_number(c.get("amount")) for c in costs]
        known = [a for a in amounts if a is not None]
        if len(known) == len(amounts):
            non_technical = sum(known, Decimal("0"))
    if total is None:
        return data
    if technical is None and data.get("declared_technical_amount") in (None, ""):
        data["declared_technical_amount"] = max(total - (non_technical or 0), Decimal("0"))
    elif technical is not None and non_technical is None:
        data["declared_non_technical_amount"] = max(total - technical, Decimal("0"))
    if non_technical is not None and data.get("declared_non_technical_amount") in (None, ""):
        data["declared_non_technical_amount"] = non_technical
    return data


def contract_fields_apply(contract: Contract, data: dict) -> dict:
    """Set cleaned values on the (unsaved) contract; returns the changes for the audit trail."""
    unknown = set(data) - CONTRACT_FIELDS
    if unknown:
        raise ValidationError(
            _("不能修改的字段：%(fields)s") % {"fields": ", ".join(sorted(unknown))}
        )
    errors: dict[str, list[str]] = {}
    changes = {}
    for field, value in data.items():
        try:
            if field in TEXT_FIELDS:
                value = (value or "").strip()
                if len(value) > TEXT_FIELDS[field]:
                    raise ValidationError(_("不能超过 %(n)s 个字") % {"n": TEXT_FIELDS[field]})
            elif field in CHOICE_FIELDS:
                value = choice_code(CHOICE_FIELDS[field], value)
            elif field in DATE_FIELDS:
                value = date_parse(value, str(DATE_FIELDS[field]))
            elif field in AMOUNT_FIELDS:
                value = amount_parse(value, str(AMOUNT_FIELDS[field]))
            elif field == "is_import":
                value = bool(value)
        except ValidationError as exc:
            errors.setdefault(field, []).extend(exc.messages)
            continue
        old = getattr(contract, field)
        if old != value:
            changes[field] = [str(old) if old is not None else None, str(value)]
            setattr(contract, field, value)
    if contract.subtype and contract.subtype not in dict(SUBTYPES.get(contract.contract_type, [])):
        errors.setdefault("subtype", []).append(
            _("子类“%(subtype)s”不属于合同类型“%(type)s”")
            % {"subtype": contract.subtype, "type": contract.get_contract_type_display()}
        )
    if contract.declared_technical_amount > contract.total_amount:
        errors.setdefault("declared_technical_amount", []).append(_("技术交易额不能大于合同成交额"))
    if contract.declared_non_technical_amount > contract.total_amount:
        errors.setdefault("declared_non_technical_amount", []).append(
            _("非技术性费用不能大于合同成交额")
        )
    if errors:
        raise ValidationError(errors)
    # Until an officer adjusts it, the effective amount is the declared one.
    contract.technical_amount = contract.declared_technical_amount
    return changes


def _kind_or_default(choices: type[TextChoices], value: object, default: str, invalid: str) -> str:
    """A row's kind as a code, `default` when left empty; `invalid` names the row when unknown."""
    try:
        return choice_code(choices, value) or default
    except ValidationError as exc:
        raise ValidationError(invalid) from exc


def party_clean(row: dict, index: int) -> Party:
    label = _("第 %(n)s 个当事人") % {"n": index + 1}
    try:
        role = choice_code(Party.Role, row.get("role"))
    except ValidationError:
        role = ""
    if not role:
        raise ValidationError(_("%(label)s：角色须为卖方或买方") % {"label": label})
    name = (row.get("name") or "").strip()
    if not name:
        raise ValidationError(_("%(label)s：请填写名称") % {"label": label})
    party_type = _kind_or_default(
        Party.PartyType,
        row.get("party_type"),
        Party.PartyType.ENTERPRISE,
        _("%(label)s：主体类型“%(value)s”无效") % {"label": label, "value": row.get("party_type")},
    )
    uscc = (row.get("uscc") or "").strip()
    if uscc:
        uscc = validate_uscc(uscc, field_label=_("%(name)s的统一社会信用代码") % {"name": name})
    elif party_type not in (Party.PartyType.INDIVIDUAL, Party.PartyType.FOREIGN):
        raise ValidationError(
            _("%(label)s“%(name)s”：请填写统一社会信用代码") % {"label": label, "name": name}
        )
    district = row.get("district")
    if district and not isinstance(district, District):
        # The web form sends the district's id; the API any name, code or alias.
        by_id = (
            District.objects.filter(pk=int(district)).first() if str(district).isdigit() else None
        )
        district = by_id or vocabulary_resolve(
            "district", district, label=_("%(label)s的区县") % {"label": label}
        )
    return Party(
        role=role,
        name=name,
        uscc=uscc,
        party_type=party_type,
        district=district or None,
        region=(row.get("region") or "").strip()[:100],
    )


def costs_clean(contract: Contract, rows: list[dict]) -> list[NonTechnicalCost]:
    costs = []
    for i, row in enumerate(rows):
        kind = _kind_or_default(
            NonTechnicalCost.Kind,
            row.get("kind"),
            NonTechnicalCost.Kind.OTHER,
            _("第 %(n)s 项非技术性费用：类别“%(kind)s”无效")
            % {"n": i + 1, "kind": row.get("kind")},
        )
        amount = amount_parse(row.get("amount"), _("第 %(n)s 项非技术性费用金额") % {"n": i + 1})
        costs.append(
            NonTechnicalCost(
                contract=contract,
                kind=kind,
                description=(row.get("description") or "").strip()[:200],
                amount=amount,
            )
        )
    return costs


def ip_items_clean(contract: Contract, rows: list[dict]) -> list[IPItem]:
    items = []
    seen = set()
    for i, row in enumerate(rows):
        kind = _kind_or_default(
            IPItem.Kind,
            row.get("kind"),
            IPItem.Kind.PATENT,
            _("第 %(n)s 项知识产权：类别“%(kind)s”无效") % {"n": i + 1, "kind": row.get("kind")},
        )
        number = (row.get("number") or "").strip()
        if kind == IPItem.Kind.PATENT:
            number = normalize_patent_number(
                number, field_label=_("第 %(i)s 项专利申请号") % {"i": i + 1}
            )
        elif not number:
            raise ValidationError(_("第 %(n)s 项知识产权：请填写登记号") % {"n": i + 1})
        if (kind, number) in seen:
            continue
        seen.add((kind, number))
        items.append(
            IPItem(
                contract=contract,
                kind=kind,
                number=number[:40],
                title=(row.get("title") or "").strip()[:200],
            )
        )
    return items
