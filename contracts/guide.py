"""Suggest the contract type from a few plain questions (for applicants who do not know the law)."""

from collections.abc import Mapping
from dataclasses import dataclass

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from contracts.models import SUBTYPE_LABELS, ContractType


@dataclass(frozen=True)
class Suggestion:
    contract_type: str
    subtype: str
    reason: str

    @property
    def type_label(self) -> str:
        return str(ContractType(self.contract_type).label)

    @property
    def subtype_label(self) -> str:
        return str(SUBTYPE_LABELS[self.subtype])


class Goal(models.TextChoices):
    """What the contract is mainly about: the guide's first question."""

    DEVELOP = (
        "develop",
        gettext_lazy("为对方（或和对方一起）研究开发新技术、新产品、新工艺、新材料"),
    )
    TRANSFER = (
        "transfer",
        gettext_lazy("把专利、专利申请或技术秘密的所有权交给对方，或以技术作价入股"),
    )
    LICENSE = "license", gettext_lazy("允许对方使用我方的专利或技术秘密，所有权仍归我方")
    CONSULT = (
        "consult",
        gettext_lazy("为对方做可行性论证、技术预测、专题调查、分析评价，交付咨询报告"),
    )
    SERVICE = (
        "service",
        gettext_lazy("用技术知识为对方解决具体技术问题、培训技术人员，或居间介绍技术"),
    )


IP_KINDS = [
    ("patent", gettext_lazy("已授权的专利")),
    ("application", gettext_lazy("还在申请中的专利")),
    ("know_how", gettext_lazy("未公开的技术秘密（图纸、配方、工艺诀窍等）")),
    ("other", gettext_lazy("其他（软件著作权、集成电路布图设计、植物新品种等）")),
]
SERVICE_KINDS = [
    ("solve", gettext_lazy("解决特定技术问题（如工艺改进、设备调试、检测分析）")),
    ("training", gettext_lazy("培训对方的技术人员")),
    ("intermediary", gettext_lazy("介绍、撮合他人之间订立技术合同（技术中介）")),
]

# The subtype (and why) by what is transferred or licensed; "" stands for any other kind.
TRANSFERRED_OR_LICENSED: dict[str, dict[str, tuple[str, Promise]]] = {
    Goal.TRANSFER: {
        "patent": ("patent_right", gettext_lazy("转让已授权专利的所有权：专利权转让")),
        "application": (
            "patent_application_right",
            gettext_lazy("转让尚在申请中的专利：专利申请权转让"),
        ),
        "know_how": ("know_how", gettext_lazy("转让技术秘密的所有权：技术秘密转让")),
        "": ("other_ip", gettext_lazy("转让其他知识产权：其他知识产权转让")),
    },
    Goal.LICENSE: {
        "patent": ("patent_license", gettext_lazy("许可对方实施专利：专利实施许可")),
        "application": ("patent_license", gettext_lazy("许可对方实施专利（申请）：专利实施许可")),
        "know_how": ("know_how_license", gettext_lazy("许可对方使用技术秘密：技术秘密使用许可")),
        "": ("other_license", gettext_lazy("许可使用其他知识产权")),
    },
}
SERVICES = {
    "training": ("training", gettext_lazy("培训技术人员：技术培训合同")),
    "intermediary": ("intermediary", gettext_lazy("居间撮合技术交易：技术中介合同")),
    "": ("service", gettext_lazy("解决特定技术问题：技术服务合同")),
}


def contract_type_suggest(
    *,
    goal: str,
    we_do_the_work: bool = True,
    ip_kind: str = "",
    equity: bool = False,
    service_kind: str = "",
) -> Suggestion:
    if goal == Goal.DEVELOP:
        if we_do_the_work:
            return Suggestion(
                "development", "commissioned", _("对方出资、由您方完成研发：委托开发合同")
            )
        return Suggestion(
            "development", "cooperative", _("双方共同投资、共同参与研发：合作开发合同")
        )
    if goal == Goal.TRANSFER and equity:
        return Suggestion("transfer", "equity", _("以技术成果作价出资、换取股权：技术入股"))
    if goal in TRANSFERRED_OR_LICENSED:
        return _by_kind(goal, TRANSFERRED_OR_LICENSED[goal], ip_kind)
    if goal == Goal.CONSULT:
        return Suggestion("consulting", "consulting", _("交付的是咨询报告或意见：技术咨询合同"))
    return _by_kind("service", SERVICES, service_kind)


def _by_kind(
    contract_type: str, subtypes: Mapping[str, tuple[str, Promise]], kind: str
) -> Suggestion:
    subtype, reason = subtypes.get(kind, subtypes[""])
    return Suggestion(contract_type, subtype, str(reason))
