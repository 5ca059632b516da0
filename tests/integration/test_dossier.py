"""The dossier: one ZIP per organization with its PDFs, documents, ledger and timeline."""

import csv
import io
import zipfile

from tests.conftest import sql
from tests.integration import test_documents as documents
from tests.integration.test_activities import record
from tests.support.web import login


def test_the_dossier_holds_everything_about_one_organization(client, settings):
    oid = documents.admitted(client, settings)
    documents.journey.make_room(client)
    documents.journey.draft_agreement(client, oid)
    documents.journey.step(
        client,
        oid,
        "sign_agreement",
        files={"attachment": ("盖章协议.png", documents.journey.PNG, "image/png")},
    )
    record(client, organization_id=str(oid))
    response = client.get(f"/reports/dossier/{oid}.zip")
    assert response.status_code == 200 and response.headers["content-type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = archive.namelist()
    for expected in (
        "亮点活动展示.pdf",
        "筛选决定通知书.pdf",
        "入驻协议与承诺书.pdf",
        "服务记录台账.xlsx",
        "时间线.csv",
    ):
        assert expected in names, expected
    assert "出壳证书.pdf" not in names  # not graduated yet
    assert any(n.startswith("材料/") and n.endswith("盖章协议.png") for n in names)
    assert all(archive.read(n).startswith(b"%PDF") for n in names if n.endswith(".pdf"))
    timeline = list(csv.reader(io.StringIO(archive.read("时间线.csv").decode("utf-8-sig"))))
    assert timeline[0][:3] == ["时间", "操作人", "操作"]
    assert [row[2] for row in timeline[1:]][-1] == "签订入驻协议，开始孵化"


def test_only_the_center_and_assessors_download_dossiers_in_their_scope(client, settings):
    other = sql(settings, "SELECT id FROM organization WHERE name = '常州市新北区阳光助残服务社'")
    for username, path, status in (
        ("qingniao", f"/reports/dossier/{other[0]['id']}.zip", 403),
        ("xianglong", f"/reports/dossier/{other[0]['id']}.zip", 403),
        ("assessor", "/reports/dossier/999999.zip", 404),
    ):
        client.cookies.clear()
        login(client, username)
        assert client.get(path).status_code == status, username
