"""The 数据统计 section: one page that leads to each app's own statistics."""

from django.shortcuts import render
from django.urls import NoReverseMatch, path, reverse
from django.utils.translation import gettext_lazy as _

from core.roles import Role, user_has_role

# (title, what it shows, url name, role needed or None for public). Each app owns its figures;
# this page only links to those that exist and that the visitor may open.
STATISTICS = [
    (
        _("专利覆盖率与发明专利申请"),
        _(
            "规模以上科技型企业拥有有效专利的比例（2017 年 40%、2019 年 60% 目标）"
            "及发明专利申请量。"
        ),
        "ip_registry:index",
        None,
    ),
    (
        _("知识产权工作台"),
        _("逐年覆盖率趋势、区县与行业分布、缺口企业名单、导出与年度评估报告。"),
        "ip_registry:dashboard",
        Role.IP_OFFICER,
    ),
    (
        _("技术合同登记统计"),
        _("合同数、合同成交额与技术交易额，按类型、领域、知识产权类型、区县和月份；输出与吸纳。"),
        "contracts:stats",
        None,
    ),
    (
        _("技术市场统计"),
        _("科技成果与技术需求发布量、询价与成交情况。"),
        "marketplace:stats",
        None,
    ),
]


def statistics_index(request):
    sections = []
    for title, description, url_name, role in STATISTICS:
        if role is not None and not user_has_role(request.user, role):
            continue
        try:
            url = reverse(url_name)
        except NoReverseMatch:
            continue
        sections.append({"title": title, "description": description, "url": url})
    return render(request, "core/statistics_index.html", {"sections": sections})


app_name = "stats"
urlpatterns = [path("", statistics_index, name="index")]
