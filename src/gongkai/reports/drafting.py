"""Draft text of sections 一, 五 and 六 (domain facts §2.2, §2.7), written from the data.

The drafts are a starting point the body edits; they only state figures the platform holds, so no
sentence is invented. Section 一 follows the order of the 2021 format's guidance (主动公开, 依申请公开,
政府信息管理, 平台建设, 监督保障); for the county government it reminds of Art. 50(四).
"""

from __future__ import annotations

from decimal import Decimal

from gongkai.core.models import Body, BodyKind
from gongkai.disclosure.models import DocumentType
from gongkai.reports import selectors
from gongkai.rules import annual_report as ar


def _yuan(amount: Decimal) -> str:
    return f"{amount:,.2f}".replace(",", "")


def overview(body: Body, year: int, t3: dict, t4: dict) -> str:
    """一、总体情况: publication by area and 文件类型, request handling, platform facts."""
    pub = selectors.publication_facts(body, year)
    req = selectors.request_facts(body, year)
    types = "、".join(f"{DocumentType(k).label}{n}条" for k, n in sorted(pub["by_type"].items(), key=lambda kv: -kv[1])
                     if k in DocumentType.values)
    areas = "、".join(f"{name}{n}条" for name, n in pub["by_area"][:8])
    parts = [f"{year}年，{body.name}认真贯彻落实《中华人民共和国政府信息公开条例》，现将本年度政府信息公开工作情况报告如下。"]
    line = f"（一）主动公开。本年度通过政府网站政府信息公开专栏主动公开政府信息{pub['published']}条"
    if types:
        line += f"，其中{types}"
    line += "。"
    if areas:
        line += f"按基层政务公开标准目录领域统计，{areas}。"
    parts.append(line)
    total = t3[ar.ROW_NEW][ar.TOTAL]
    done = t3[ar.ROW_RESULTS_TOTAL][ar.TOTAL]
    carried = t3[ar.ROW_CARRIED_FORWARD][ar.TOTAL]
    reviews = sum(t4[k][ar.TOTAL] for k in ar.TABLE4_KINDS)
    line = (f"（二）依申请公开。本年度新收政府信息公开申请{total}件，上年结转{t3[ar.ROW_CARRIED_OVER][ar.TOTAL]}件，"
            f"办结{done}件，结转下年度继续办理{carried}件")
    line += f"，其中超过法定期限答复{req['late']}件。" if req["late"] else "，均在法定期限内答复。"
    line += f"因政府信息公开被申请行政复议、提起行政诉讼共{reviews}件。" if reviews else "未发生因政府信息公开引起的行政复议、行政诉讼。"
    parts.append(line)
    parts.append("（三）政府信息管理。严格执行先审查、后公开制度，政府信息在发布前均经保密审查和审核；"
                 f"截至{year}年底，政府信息公开专栏现行公开的政府信息共{pub['live']}条。")
    parts.append("（四）政府信息公开平台建设。依托县级政府门户网站政府信息公开专栏集中发布政府信息，"
                 "提供检索、查阅和下载功能，公开指南和公开目录随机构和事项变化及时更新。")
    line = "（五）监督保障。将政府信息公开工作纳入日常管理，落实信息发布审核和依申请公开登记、审核、办理、答复、归档制度。"
    if body.kind == BodyKind.COUNTY:
        line += "（请补充本年度工作考核、社会评议和责任追究结果情况。）"
    parts.append(line)
    return "\n".join(parts)


def problems(body: Body, year: int, previous_text: str) -> str:
    """五、存在的主要问题及改进情况: last year's problems and their rectification, late answers."""
    rect = selectors.rectification_facts(body, year)
    req = selectors.request_facts(body, year)
    parts = []
    if previous_text.strip():
        parts.append(f"{year - 1}年度报告提出的问题：{previous_text.strip().splitlines()[0][:200]}")
    if rect["total"]:
        line = f"本年度整改台账登记问题{rect['total']}项，年底前已整改{rect['done']}项"
        if rect["open_titles"]:
            line += "，尚未整改的有：" + "；".join(rect["open_titles"])
        parts.append(line + "。")
    if req["late"]:
        parts.append(f"依申请公开有{req['late']}件申请超过法定期限答复，下一步将加强办理时限提醒和跟踪督办。")
    if not parts:
        parts.append("（请填写本年度存在的主要问题及改进措施。）")
    return "\n".join(parts)


def other(body: Body, year: int) -> str:
    """六、其他需要报告的事项: 信息处理费 notices issued and amounts collected (domain facts §2.7)."""
    fees = selectors.fee_facts(body, year)
    if not fees["notices"] and not fees["paid_count"]:
        return "本年度未发出信息处理费收费通知，未收取信息处理费。"
    return (f"本年度依据《政府信息公开信息处理费管理办法》发出收费通知{fees['notices']}件，"
            f"金额共计{_yuan(fees['billed'])}元；实际收取信息处理费{fees['paid_count']}件，"
            f"共计{_yuan(fees['collected'])}元。")
