"""The registry as a spreadsheet: its columns, phone numbers masked."""

from __future__ import annotations

from incubator.core.i18n import N_, text
from incubator.core.personal import mask_phone
from incubator.core.xlsx import ExportColumn
from incubator.organizations import rules

TITLE = N_("社会组织名录")
COLUMNS = (
    ExportColumn(N_("组织名称"), 34, lambda r: r["name"]),
    ExportColumn(N_("统一社会信用代码"), 22, lambda r: r["credit_code"] or ""),
    ExportColumn(N_("组织类型"), 16, lambda r: text(rules.label(rules.ORG_TYPES, r["org_type"]))),
    ExportColumn(
        N_("登记状态"),
        10,
        lambda r: text(rules.label(rules.REGISTRATION_STATUSES, r["registration_status"])),
    ),
    ExportColumn(N_("登记（备案）日期"), 14, lambda r: r["registration_date"]),
    ExportColumn(
        N_("服务领域"), 10, lambda r: text(rules.label(rules.SERVICE_FIELDS, r["service_field"]))
    ),
    ExportColumn(N_("服务社区"), 12, lambda r: r["community_name"] or ""),
    ExportColumn(N_("法定代表人（负责人）"), 14, lambda r: r["legal_representative"]),
    ExportColumn(N_("联系人"), 10, lambda r: r["contact_name"]),
    ExportColumn(N_("联系电话"), 14, lambda r: mask_phone(r["contact_phone"])),
    ExportColumn(N_("会员（成员）数"), 10, lambda r: r["members_count"]),
    ExportColumn(N_("专职人员数"), 10, lambda r: r["staff_count"]),
    ExportColumn(N_("志愿者数"), 10, lambda r: r["volunteers_count"]),
    ExportColumn(
        N_("党组织形式"),
        14,
        lambda r: text(rules.label(rules.PARTY_ORG_FORMS, r["party_org_form"])),
    ),
)
