import datetime as dt

import pytest

from incubator.core.personal import id_number_error, mask_id_number, mask_phone, phone_error
from incubator.core.xlsx import safe_cell_value
from incubator.organizations import rules


@pytest.mark.parametrize("code", ["91350100M000100Y43", "51320411MJ123456X"[:17] + "X"])
def test_credit_codes_with_the_right_check_character_pass(code):
    code = code[:17] + rules.credit_code_check_char(code[:17])
    assert rules.credit_code_error(code) is None


def test_a_wrong_check_character_is_named():
    assert rules.credit_code_error("91350100M000100Y44") == "统一社会信用代码校验位不正确，请核对"


@pytest.mark.parametrize("code", ["9135010", "91350100M000100Y4I", "91350100m000100y43", ""])
def test_malformed_credit_codes_are_refused(code):
    assert rules.credit_code_error(code).startswith("统一社会信用代码应为 18 位")


def test_registration_status_requirements():
    day = dt.date(2016, 5, 1)
    assert rules.registration_errors("registered", None, None, None) == {
        "registration_date": "已登记或已备案的组织请填写登记（备案）日期",
        "credit_code": "已登记的组织请填写统一社会信用代码",
    }
    assert rules.registration_errors("filed", day, None, None) == {}
    assert "registration_date" in rules.registration_errors("unregistered", day, None, None)
    assert rules.registration_errors("registered", day, day + dt.timedelta(days=1), "x") == {
        "name_approval_date": "名称核准日期不能晚于登记日期"
    }


def test_personal_numbers_are_checked_and_masked():
    assert id_number_error("11010519491231002X") is None
    assert id_number_error("110105194912310021") == "身份证号校验位不正确，请核对"
    assert id_number_error("12345") == "身份证号应为 18 位，最后一位可以是 X"
    assert phone_error("13812345678") is None and phone_error("0519-85123456") is None
    assert phone_error("call me") is not None
    assert mask_phone("13812345678") == "138****5678"
    assert mask_id_number("11010519491231002X") == "1101**********002X"
    assert mask_phone("") == ""


@pytest.mark.parametrize("text", ['=HYPERLINK("x")', "+1", "-2+3", "@SUM(A1)"])
def test_exported_text_never_becomes_a_formula(text):
    assert safe_cell_value(text) == "'" + text
    assert safe_cell_value("正常文本") == "正常文本"
