"""Paginating before WeasyPrint: text widths, sheets that keep their title, totals and giant
rows, and the runs of sheets that worker processes lay out in parallel."""

from incubator.reporting import sheets


def test_cjk_is_one_em_and_ascii_takes_the_fonts_width():
    assert sheets.text_em("社区活动") == 4
    assert 0.55 * 4 < sheets.text_em("2017") < 0.6 * 4
    assert sheets.text_em("") == 0


def test_text_that_fits_takes_one_line_and_longer_text_errs_on_more_lines():
    assert sheets.line_count("王中心", 3.1) == 1
    assert sheets.line_count("", 3) == 1
    assert sheets.line_count("很" * 30, 10) == 4  # 30 em in lines of at least 9 em


def test_rows_fill_sheets_with_the_header_on_each_and_the_title_on_the_first():
    result = sheets.paginate(
        "rows", [10.0] * 25, list(range(25)), page=100, opening=30, closing=0, repeated=10
    )
    # 96 usable points: the first sheet holds the title, header and 5 rows, the others 8.
    assert [len(s.items) for s in result] == [5, 8, 8, 4]
    assert result[0].opens and not result[1].opens
    assert result[-1].closes and not result[0].closes
    assert [item for s in result for item in s.items] == list(range(25))


def test_the_closing_lines_take_the_last_row_with_them_to_a_new_sheet():
    result = sheets.paginate("rows", [10.0] * 7, list(range(7)), page=100, opening=0, closing=20)
    assert [len(s.items) for s in result] == [7]
    result = sheets.paginate("rows", [10.0] * 8, list(range(8)), page=100, opening=0, closing=20)
    assert [len(s.items) for s in result] == [7, 1]
    assert result[-1].closes and not result[0].closes


def test_a_row_taller_than_a_page_gets_a_sheet_of_its_own_counted_as_more_pages():
    result = sheets.paginate("rows", [10, 250, 10], ["a", "b", "c"], page=100, opening=0, closing=0)
    assert [s.items for s in result] == [["a"], ["b"], ["c"]]
    assert [s.pages for s in result] == [1, 3, 1]


def test_an_empty_report_is_one_sheet_that_opens_and_closes():
    [only] = sheets.paginate("rows", [], [], page=100, opening=30, closing=20)
    assert only.opens and only.closes and only.items == []


def test_runs_cover_every_sheet_in_order_within_the_page_bound():
    many = [sheets.Sheet("rows", [n]) for n in range(50)]
    runs = sheets.parts(many, min_parts=2, max_pages=12)
    assert [s for run in runs for s in run] == many
    # Five runs would do; six keep both workers busy to the end.
    assert len(runs) == 6 and all(len(run) <= 12 for run in runs)
    assert len(sheets.parts(many[:3], min_parts=2, max_pages=12)) == 2
    assert len(sheets.parts(many[:1], min_parts=2, max_pages=12)) == 1


def test_page_labels_count_from_the_parts_first_page_or_from_css_counters():
    whole = str(sheets.page_label_css())
    assert "counter(pages)" in whole and "counter-reset" not in whole
    part = str(sheets.page_label_css(first=13, total=40))
    assert '"40"' in part and "counter-reset: page 13" in part
