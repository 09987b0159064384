"""Quarterly bulletins: generated from the data, reviewed, published, kept."""

import subprocess
from datetime import date
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from plan import services
from plan.models import Bulletin, Report

pytestmark = pytest.mark.django_db


def pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "bulletin.pdf"
    path.write_bytes(data)
    result = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True
    )
    return result.stdout


def test_bulletin_text_states_the_figures(office, rd_gdp, tmp_path, client):
    Report.objects.create(
        indicator=rd_gdp,
        year=2019,
        quarter=4,
        value=Decimal("2.31"),
        status=Report.Status.ACCEPTED,
        due_date=date(2020, 1, 31),
    )
    bulletin = services.bulletin_generate(user=office, year=2019, quarter=4, on=date(2020, 3, 1))
    text = pdf_text(bulletin.pdf.open("rb").read(), tmp_path)
    flat = " ".join(text.split())
    assert "2019 年第 4 季度进展通报" in flat
    assert "数据截至 2019年12月31日" in flat
    assert "全社会研发经费支出占 GDP 比重" in flat
    assert "2.31%" in flat and "2.5%" in flat
    counts = bulletin.summary["counts"]
    assert counts["behind"] >= 1 and sum(counts.values()) >= 25
    assert f"滞后 {counts['behind']} 项" in flat
    assert "区县考核" in flat and "大洼区" in flat
    # Figures the departments still owe (2018 R&D share of GDP was never reported).
    assert "已过报送截止日仍未报送" in flat and "市统计局" in flat
    assert "第1页/共" in flat.replace(" ", "")  # page numbers in the footer

    # A draft: the office reviews it, the public does not see it yet.
    url = f"/plan/bulletins/{bulletin.pk}.pdf"
    assert client.get(url).status_code == HTTPStatus.NOT_FOUND
    assert "2019 年第 4 季度" not in client.get("/plan/").content.decode()
    client.force_login(office)
    assert client.get(url).status_code == HTTPStatus.OK
    assert client.post(f"/plan/bulletins/{bulletin.pk}/publish/").status_code == HTTPStatus.FOUND
    client.logout()
    response = client.get(url)
    assert response.status_code == HTTPStatus.OK and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert "2019 年第 4 季度进展通报" in client.get("/plan/").content.decode()

    # Published bulletins are kept as they were.
    with pytest.raises(ValidationError, match="已发布"):
        services.bulletin_generate(user=office, year=2019, quarter=4, on=date(2020, 3, 1))
    services.bulletin_generate(user=office, year=2020, quarter=1, on=date(2020, 5, 1))
    assert Bulletin.objects.count() == 2


def test_only_the_office_generates_and_publishes(stats_reporter, office, client):
    with pytest.raises(PermissionDenied):
        services.bulletin_generate(user=stats_reporter, year=2019, quarter=4)
    with pytest.raises(ValidationError, match="尚未结束"):
        services.bulletin_generate(user=office, year=2019, quarter=4, on=date(2019, 12, 1))
    client.force_login(stats_reporter)
    response = client.post("/plan/bulletins/generate/", {"year": 2019, "quarter": 4})
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert not Bulletin.objects.exists()
