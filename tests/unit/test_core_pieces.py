from incubator.accounts import rules
from incubator.core import forms, signing
from incubator.core.pagination import Page, page_request, query_string


def test_page_request_clamps_bad_values():
    assert page_request({"page": "-3", "page_size": "100000"}).page == 1
    assert page_request({"page": "x"}).page_size == 20
    assert page_request({"page_size": "100000"}).page_size == 200


def test_page_window_elides_gaps():
    page = Page(items=[], total=500, page=10, page_size=20)
    assert page.pages == 25
    assert page.window() == [1, None, 8, 9, 10, 11, 12, None, 25]


def test_query_string_keeps_filters_and_drops_empty_values():
    assert query_string({"q": "祥龙", "role": ""}, page=2) == "?q=%E7%A5%A5%E9%BE%99&page=2"


def test_signed_values_round_trip_and_tampering_is_detected():
    token = signing.sign("secret", "flash", [{"message": "已保存"}])
    assert signing.unsign("secret", "flash", token) == [{"message": "已保存"}]
    assert signing.unsign("other", "flash", token) is None
    assert signing.unsign("secret", "other-purpose", token) is None
    assert signing.unsign("secret", "flash", token[:-2] + "xx") is None
    assert signing.unsign("secret", "flash", "garbage") is None


FIELDS = (
    forms.Field("name", "名称", required=True, max_length=5),
    forms.Field("count", "数量", kind="int", low=1, high=10),
    forms.Field("kind", "类型", kind="choice", choices=[("a", "甲")]),
    forms.Field("secret", "密码", kind="password"),
)


def test_form_errors_are_chinese_and_name_the_field_and_input_is_kept():
    form = forms.bind(FIELDS, {"name": "太长的名称啊", "count": "11", "kind": "z", "secret": "pw"})
    assert not form.ok
    assert form.errors["name"] == "名称最多 5 个字符"
    assert form.errors["count"] == "数量必须在 1 到 10 之间"
    assert form.errors["kind"] == "请选择有效的类型"
    assert form.values["name"] == "太长的名称啊"
    assert form.values["secret"] == ""  # passwords are never echoed back


def test_required_and_integer_messages():
    form = forms.bind(FIELDS, {"name": "  ", "count": "三"})
    assert form.errors == {"name": "请填写名称", "count": "数量必须是整数"}


def test_password_rules():
    assert rules.password_error("short") == "密码至少 8 个字符"
    assert rules.password_error("adminadmin", "AdminAdmin") == "密码不能与用户名相同"
    assert rules.password_error("a-long-passphrase") is None


def test_role_scope_rules():
    assert rules.scope_errors("community", None, None) == {
        "community_id": "社区工作人员必须指定所属社区"
    }
    assert "organization_id" in rules.scope_errors("applicant", None, None)
    assert "community_id" in rules.scope_errors("staff", 3, None)
    assert rules.scope_errors("applicant", None, 7) == {}


def test_expiry_is_refreshed_at_most_once_a_minute():
    idle = 7200
    assert not rules.should_refresh_expiry(idle - 30, idle)
    assert rules.should_refresh_expiry(idle - 61, idle)


def test_sort_requests_accept_only_offered_columns():
    from incubator.core.pagination import sort_request

    assert sort_request({"sort": "-name"}, ["name"], "name").param == "-name"
    assert sort_request({"sort": "password_hash"}, ["name"], "-name").param == "-name"
    assert sort_request({}, ["name"], "name").descending is False


def test_an_integer_field_out_of_range_keeps_no_cleaned_value():
    from incubator.core.forms import Field, bind

    fields = (Field("community_id", "社区", kind="int", low=1),)
    for raw in ("-9223372036854775809", "0", "99999999999999999999"):
        form = bind(fields, {"community_id": raw})
        assert not form.ok and form.cleaned["community_id"] is None, raw
    assert bind(fields, {"community_id": "3"}).cleaned["community_id"] == 3


def test_sheet_column_widths_reach_past_column_z():
    from io import BytesIO

    from openpyxl import load_workbook

    from incubator.core.xlsx import workbook_bytes

    widths = list(range(10, 38))  # 28 columns: A..Z, AA, AB
    data = workbook_bytes("表", [f"列{i}" for i in range(28)], [], widths)
    sheet = load_workbook(BytesIO(data)).active
    assert sheet.column_dimensions["Z"].width == 35
    assert sheet.column_dimensions["AB"].width == 37
