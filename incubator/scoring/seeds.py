"""The rubrics every installation starts with (editable afterwards as new versions)."""

from __future__ import annotations

from incubator.scoring.service import ensure_rubric

# (code, name, indicators, bands) in the rubric text format of scoring.rules.
SEED_RUBRICS = (
    (
        "screening",
        "入壳申请筛选评估表",
        """
1 | 组织基础 | 20
1.1 | 发起人与骨干团队 | 10 | 1 | 发起人公益经历、骨干稳定性、分工是否明确
1.2 | 章程与内部制度 | 10 | 1 | 章程草案、议事规则、财务制度是否齐备
2 | 项目方案 | 40
2.1 | 需求分析 | 10 | 1 | 是否基于社区调研，服务对象是否清楚
2.2 | 目标与活动设计 | 15 | 1 | 目标可衡量，活动安排可行
2.3 | 预算合理性 | 15 | 1 | 预算与活动匹配，来源清楚
3 | 社会价值 | 25
3.1 | 服务对象与受益面 | 15 | 1 | 受益人数、覆盖社区、弱势群体
3.2 | 创新性 | 10 | 1 | 服务方式或领域的新意
4 | 可持续性 | 15
4.1 | 资源整合能力 | 10 | 1 | 合作单位、资金与场地来源
4.2 | 志愿者动员 | 5 | 1 | 志愿者队伍规模与稳定性
""",
        """
80 | admit | 建议录取
60 | more_info | 待补材料
0 | reject | 建议不录取
""",
    ),
    (
        "midterm",
        "孵化中期评估表",
        """
1 | 孵化计划执行 | 30
1.1 | 节点完成情况 | 20 | 1 | 按期完成的节点占比
1.2 | 参加培训与辅导 | 10 | 1 | 培训、辅导出勤与成果
2 | 内部治理 | 25
2.1 | 决策与会议制度 | 10
2.2 | 人员与志愿者管理 | 15
3 | 服务成效 | 30
3.1 | 服务数量 | 15 | 1 | 活动场次、服务人次（见服务记录台账）
3.2 | 服务质量与满意度 | 15
4 | 财务管理 | 15
4.1 | 账目规范 | 10
4.2 | 资金使用效率 | 5
""",
        """
85 | excellent | 优秀
70 | good | 良好
60 | pass | 合格
0 | fail | 不合格
""",
    ),
    (
        "graduation",
        "出壳评估表",
        """
1 | 登记与治理 | 25
1.1 | 登记或备案情况 | 10 | 1 | 已取得登记证书或备案
1.2 | 治理结构 | 15 | 1 | 理事会、监事、章程执行
2 | 专业服务能力 | 30
2.1 | 品牌服务项目 | 15
2.2 | 专职人员与专业资质 | 15
3 | 社会影响 | 25
3.1 | 服务成效与受益人群 | 15
3.2 | 媒体报道与荣誉 | 10
4 | 可持续发展 | 20
4.1 | 资金来源多元化 | 10 | 1 | 政府购买、基金会资助、自筹
4.2 | 独立场地与发展规划 | 10
""",
        """
80 | graduate | 准予出壳
60 | extend | 延期出壳
0 | exit | 退出孵化
""",
    ),
)


async def ensure_seed_rubrics() -> None:
    for code, name, indicators, bands in SEED_RUBRICS:
        await ensure_rubric(code, name, indicators, bands)
