"""A paginated report laid out in parallel parts and joined is the document one process makes:
the same pages, the same text, page x / y right on every page, even when a sheet spills."""

import asyncio
import shutil
import subprocess

import pytest

from incubator.reporting import ledger
from incubator.reporting.sheets import Sheet
from incubator.reporting.worker import Limits, Renderer, render_pdf
from tests.support.reports import ledger_report, whole_html

pytestmark = pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils missing")


def pages_text(tmp_path, name: str, data: bytes) -> list[str]:
    path = tmp_path / name
    path.write_bytes(data)
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True, text=True)
    return out.stdout.split("\f")[:-1]


def in_parallel(report, report_sheets=None) -> bytes:
    async def go():
        renderer = Renderer(Limits(workers=2, timeout_seconds=300, part_pages=2))
        try:
            return await renderer.render_sheets(
                report.template,
                report.context,
                report_sheets or report.sheets,
                report.language,
                report.uploads,
            )
        finally:
            renderer.close()

    return asyncio.run(go())


def test_parts_joined_make_the_same_document_as_one_process(tmp_path):
    report = ledger_report(70, long_every=9)
    assert len(report.sheets) >= 5  # several parts of at most two pages
    joined = pages_text(tmp_path, "joined.pdf", in_parallel(report))
    whole = pages_text(tmp_path, "whole.pdf", render_pdf(whole_html(report), {}))
    assert len(joined) == len(whole) == sum(s.pages for s in report.sheets)
    assert joined == whole
    for number, page in enumerate(joined, start=1):
        assert f"第{number}页/共{len(joined)}页" in "".join(page.split())
    assert "合计 70 条" in joined[-1] and "负责人" in joined[-1]
    assert "LHT-01-2017-0070" in "".join(joined)


def test_a_sheet_that_spills_onto_more_pages_is_numbered_again(tmp_path):
    report = ledger_report(40)
    # A plan that is wrong on purpose: 30 rows on one sheet cannot fit one landscape page.
    rows = [item for sheet in report.sheets for item in sheet.items]
    wrong = [
        Sheet("rows", rows[:5], opens=True),
        Sheet("rows", rows[5:35]),
        Sheet("rows", rows[35:], closes=True),
    ]
    joined = pages_text(tmp_path, "joined.pdf", in_parallel(report, wrong))
    whole = pages_text(tmp_path, "whole.pdf", render_pdf(whole_html(report, wrong), {}))
    assert len(joined) == len(whole) > 3
    assert joined == whole
    for number, page in enumerate(joined, start=1):
        assert f"第{number}页/共{len(joined)}页" in "".join(page.split())


def test_an_empty_ledger_is_one_page_with_its_totals_and_signatures(tmp_path):
    [page] = pages_text(tmp_path, "empty.pdf", in_parallel(ledger_report(0)))
    flat = "".join(page.split())
    for expected in ("没有符合条件的活动记录", "合计0条", "填报人", "负责人", "第1页/共1页"):
        assert expected in flat


def test_a_500_character_title_wraps_within_its_cell_and_keeps_every_character(tmp_path):
    report = ledger_report(5)
    rows = [item for sheet in report.sheets for item in sheet.items]
    rows[1]["title"] = "超长标题" * 125
    rows[3]["title"] = "https://example.org/" + "x" * 480
    report.sheets[:] = ledger.plan(rows, report.context, [])
    joined = pages_text(tmp_path, "joined.pdf", in_parallel(report))
    flat = "".join("".join(joined).split())
    assert "超长标题" * 125 in flat
    assert "https://example.org/" + "x" * 480 in flat
    for number, page in enumerate(joined, start=1):
        assert f"第{number}页/共{len(joined)}页" in "".join(page.split())


def test_a_render_past_its_time_limit_fails_alone(tmp_path):
    """Two reports at once on a two-worker pool: one runs past its time limit (its worker is
    stopped), the other, still working on the other worker at that moment, is made all the
    same, and the pool serves the next report."""
    import time

    from incubator.reporting.worker import ReportFailed, warm_up

    async def go():
        renderer = Renderer(Limits(workers=2, timeout_seconds=3))
        try:
            await renderer._run([(warm_up, ()), (warm_up, ())])  # both workers up

            async def other_report():
                await asyncio.sleep(1.5)
                return await renderer._run([(time.sleep, (2.5,))])  # busy past 3 s

            runaway = renderer._run([(time.sleep, (60,))])
            outcomes = await asyncio.gather(runaway, other_report(), return_exceptions=True)
            after = await renderer.render("<p>下一份</p>", {})
            return outcomes, after
        finally:
            renderer.close()

    (runaway, other), after = asyncio.run(go())
    assert isinstance(runaway, ReportFailed) and "超时" in str(runaway)
    assert other == [None], other
    assert after.startswith(b"%PDF")
