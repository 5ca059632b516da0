"""The pipeline's documents as PDFs, filled from the records, for whoever may see them."""

import pytest

from tests.conftest import sql
from tests.integration import test_pipeline as journey
from tests.integration.test_reports import needs_poppler, pdf_text
from tests.support.web import login

OTHER = "常州市新北区阳光助残服务社"


def flat(text: str) -> str:
    return "".join(text.split())


def admitted(client, settings):
    oid = journey.qingniao(settings)["id"]
    login(client, "staff")
    journey.step(client, oid, "accept")
    journey.complete_profile(settings, oid)
    journey.step(client, oid, "submit")
    journey.score(client, settings, oid, "assessor", "screening", 0.9)
    journey.score(client, settings, oid, "assessor2", "screening", 0.85)
    journey.step(client, oid, "admit", reason="社区需求明确，骨干稳定")
    return oid


@needs_poppler
def test_decision_agreement_and_certificate_follow_the_pipeline(client, settings, tmp_path):
    oid = admitted(client, settings)
    links = client.get(f"/organizations/{oid}").text.split('id="pipeline-documents"')[1]
    assert f"/reports/decision/{oid}.pdf" in links.split("</p>")[0]
    text = flat(pdf_text(tmp_path, client.get(f"/reports/decision/{oid}.pdf").content))
    assert "录取通知书" in text and "青鸟志愿者服务队" in text
    assert "社区需求明确，骨干稳定" in text and "专业导师辅导" in text
    early = client.get(f"/reports/agreement/{oid}.pdf")
    assert early.status_code == 303
    assert "尚未拟定入驻协议" in client.get(early.headers["location"]).text
    journey.make_room(client)
    journey.draft_agreement(client, oid)
    response = client.get(f"/reports/agreement/{oid}.pdf")
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    text = flat(pdf_text(tmp_path, response.content))
    number = sql(settings, "SELECT number FROM entry_agreement")[0]["number"]
    for expected in (number, "201办公室-01", "入驻承诺书", "遵守中心管理制度", "材料真实有效"):
        assert expected in text, expected
    certificate = client.get(f"/reports/certificate/{oid}.pdf")
    assert "尚未准予出壳" in client.get(certificate.headers["location"]).text
    journey.step(
        client, oid, "sign_agreement", files={"attachment": ("协议.png", journey.PNG, "image/png")}
    )
    journey.step(client, oid, "request_graduation")
    journey.score(client, settings, oid, "assessor", "graduation", 0.9)
    journey.complete_checklist(client, oid)
    journey.step(client, oid, "graduate")
    text = flat(pdf_text(tmp_path, client.get(f"/reports/certificate/{oid}.pdf").content))
    assert "出壳证书" in text and "青鸟志愿者服务队" in text and "准予出壳" in text


@pytest.mark.parametrize("username", ["tenglong", "qingniao"])
def test_another_organizations_documents_are_not_found(client, settings, username):
    other = sql(settings, "SELECT id FROM organization WHERE name = $1", OTHER)[0]["id"]
    login(client, username)
    for kind in ("decision", "agreement", "certificate"):
        assert client.get(f"/reports/{kind}/{other}.pdf").status_code == 404
    assert client.get("/reports/passport/1.pdf").status_code == 404
    assert client.get("/reports/decision/1.txt").status_code == 404
