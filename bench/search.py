"""Benchmark: Chinese full-text search (gongkai.search) on SQLite and PostgreSQL.

Generates N synthetic but realistic county government records (default 100 000; they are
streamed, so a million is fine): titles and bodies composed from templates of 24 kinds of
disclosure (subsidy notices with payout tables, 低保 lists, annual reports, normative documents,
依申请公开 replies, budgets, procurement, personnel, penalties, statistics, …) with varied
counties, townships, villages, years, amounts and dates, and 文号 / 索引号 in their usual patterns.
The records are indexed into a scratch database (a temporary SQLite file; a PostgreSQL database
created and dropped by the script), then 50 representative queries (see ``queries``) are timed
end to end through ``gongkai.search.search()`` (segmentation, SQL, snippets).

Prints the indexing rate (records/s, the time spent making up the records left out), and per
query the median and worst wall-clock time, the CPU time it used (this process plus, for a local
PostgreSQL, its server process), the time spent in SQL and the number of statements; then p50,
p95 and max over all runs, per database, with the load average: on a shared machine the
wall-clock figures include waiting for a CPU.

    .venv/bin/python bench/search.py                       # 100 000 records, SQLite and PostgreSQL
    .venv/bin/python bench/search.py --db sqlite --records 1000000 --keep
    .venv/bin/python bench/search.py --reuse /tmp/gk_search_bench_…   # the queries again, same data
    .venv/bin/python bench/search.py --db pg --pg-url postgres://postgres@127.0.0.1:5432/test

Each database runs in its own process (Django is configured once per process, with DATABASE_URL
pointing at the scratch database before ``django.setup()``); only the search app's migrations
are applied there. PostgreSQL is skipped with a message when it cannot be reached.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import subprocess
import sys
import time
import zlib
from collections.abc import Iterator
from pathlib import Path

from scratch import reused_database, scratch_database  # bench/scratch.py (this directory is on sys.path)

DEFAULT_PG_URL = "postgres://postgres@127.0.0.1:5432/test"
REPO = Path(__file__).resolve().parent.parent

# --- the synthetic corpus ---------------------------------------------------------------------

COUNTIES = [
    # name, area code, 文号 prefix character, credit-code stem
    ("青山县", "990101", "青"),
    ("白河县", "990102", "白"),
    ("云溪县", "990103", "云"),
    ("松林县", "990104", "松"),
    ("临江县", "990105", "临"),
]
TOWNSHIPS = ["城关镇", "东岭镇", "西河乡", "南山镇", "北坡乡", "石门镇", "柳树乡", "桃源镇", "龙泉镇", "清水乡",
             "马家岭乡", "白沙镇"]
VILLAGES = ["东岭村", "杨家庄村", "李家沟村", "河湾村", "新华社区", "红旗村", "王家坪村", "下河村", "前进村",
            "石桥村", "柏树湾村", "张家岭村", "幸福社区", "双河村", "高家山村", "沙坪村"]
DEPARTMENTS = [
    # name, 文号 abbreviation
    ("人民政府办公室", "政办"), ("发展和改革局", "发改"), ("教育局", "教"), ("财政局", "财"),
    ("人力资源和社会保障局", "人社"), ("农业农村局", "农"), ("自然资源局", "自然资"), ("生态环境分局", "环"),
    ("住房和城乡建设局", "住建"), ("交通运输局", "交"), ("水利局", "水"), ("卫生健康局", "卫健"),
    ("民政局", "民"), ("医疗保障局", "医保"), ("应急管理局", "应急"), ("市场监督管理局", "市监"),
    ("审计局", "审"), ("统计局", "统"), ("林业局", "林"), ("退役军人事务局", "退役"), ("文化和旅游局", "文旅"),
    ("乡村振兴局", "乡振"), ("司法局", "司"), ("商务局", "商"),
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华建国志红玉春梅海林德福生文斌"
ROADS = ["人民路", "解放路", "建设路", "滨河路", "文化街", "新华路", "中山路", "迎宾大道", "工业园路"]
CROPS = ["小麦", "玉米", "水稻", "大豆", "马铃薯", "油菜"]
PROJECTS = ["农村公路提升改造", "高标准农田建设", "农村饮水安全巩固提升", "人居环境整治", "中小学校舍维修改造",
            "乡镇卫生院标准化建设", "污水处理厂提标改造", "河道综合治理", "老旧小区改造", "便民服务中心建设",
            "文化广场建设", "冷链物流中心", "光伏发电", "特色产业园基础设施"]


# Topics: (doc_type, department abbreviation or None for township, title templates, paragraph templates).
# Paragraph templates are str.format()ed with a dict of slot values.
TOPICS = [
    ("public_notice", "农", [
        "{county}{year}年耕地地力保护补贴资金发放情况公示",
        "关于{year}年{township}耕地地力保护补贴面积核定结果的公示",
        "{township}{year}年度耕地地力保护补贴发放明细",
    ], [
        "根据《{province}{year}年耕地地力保护补贴工作实施方案》要求，经农户申报、村级公示、乡镇审核，现将{township}{year}年耕地地力保护补贴面积及资金发放情况予以公示。",
        "本次补贴对象为拥有耕地承包权的种地农民，补贴面积{area_mu}亩，补贴标准每亩{rate}元，补贴资金共计{amount}元，通过惠民惠农财政补贴资金“一卡通”发放到户。",
        "已作为畜牧养殖场所使用的耕地、林地、成片粮田转为设施农业用地、非农业征（占）用耕地等已改变用途的耕地，以及长年抛荒地、占补平衡中“补”的面积和质量达不到耕种条件的耕地不纳入补贴范围。",
        "公示期为{days}个工作日（{start}至{end}）。公示期内如有异议，请向{township}农业综合服务中心或{county}农业农村局反映，联系电话：{phone}。",
    ]),
    ("public_notice", "农", [
        "{county}{year}年农机购置与应用补贴资金兑付情况公示（第{batch}批）",
        "关于{year}年农机购置补贴机具投档情况的公告",
    ], [
        "根据农业农村部、财政部关于做好{year}年农机购置与应用补贴工作的通知要求，现将第{batch}批农机购置补贴资金兑付情况公示如下。",
        "本批次共有{households}户购机者申请补贴，涉及拖拉机、联合收割机、植保无人机等机具{machines}台（套），兑付补贴资金{amount}元。",
        "对骗取、套取补贴资金的行为，一经查实，将依法依规严肃处理，并取消相关主体补贴资格。",
        "监督举报电话：{phone}。",
    ]),
    ("public_notice", "林", [
        "{county}{year}年生态公益林补偿资金发放公示",
        "关于{township}{year}年度生态公益林补偿金兑现情况的公示",
    ], [
        "按照中央和省级财政森林生态效益补偿基金管理办法，{year}年{township}纳入补偿范围的生态公益林面积{area_mu}亩，补偿标准每亩{rate}元。",
        "生态公益林补偿资金实行专户管理、专款专用，由{county}财政局通过“一卡通”直接发放至林权权利人账户，共计{amount}元。",
        "各村要切实履行管护责任，落实护林员巡护制度，严防森林火灾和乱砍滥伐。",
    ]),
    ("public_notice", "民", [
        "{township}{year}年{month}月城乡最低生活保障对象名单公示",
        "{county}{year}年第{quarter}季度城乡低保资金发放情况",
        "关于调整{county}城乡最低生活保障标准的通知",
    ], [
        "根据《社会救助暂行办法》和《最低生活保障审核确认办法》，经个人申请、入户调查、民主评议和乡镇审核，{township}{village}等{households}户{people}人符合城乡最低生活保障条件，拟纳入低保范围。",
        "自{year}年{month}月1日起，城市最低生活保障标准提高到每人每月{low_urban}元，农村最低生活保障标准提高到每人每年{low_rural}元，所需资金由各级财政共同负担。",
        "本月全县共发放低保金{amount}元，其中城市低保{households}户，农村低保{people}人，资金已通过“一卡通”足额发放。",
        "群众对公示对象有异议的，可在公示期内向{township}人民政府或{county}民政局实名反映，电话{phone}。",
    ]),
    ("public_notice", "民", [
        "{county}{year}年特困人员救助供养情况公示",
        "关于{year}年度特困供养人员基本生活标准调整的通知",
    ], [
        "{year}年全县共有特困供养人员{people}人，其中集中供养{households}人，分散供养人员按月发放基本生活费。",
        "特困人员基本生活标准不低于当地低保标准的1.3倍，照料护理标准根据生活自理能力分档确定，每人每月{rate}元至{rate2}元。",
        "各乡镇要加强对分散供养特困人员的探访关爱，确保其基本生活得到保障。",
    ]),
    ("public_notice", "民", [
        "{county}{year}年困难残疾人生活补贴和重度残疾人护理补贴发放公示",
    ], [
        "根据残疾人两项补贴制度要求，{year}年{month}月全县共为{people}名困难残疾人发放生活补贴，为{households}名重度残疾人发放护理补贴。",
        "补贴标准为每人每月{rate}元，资金共计{amount}元，由残联、民政部门联合审核后发放。",
    ]),
    ("public_notice", "住建", [
        "{county}{year}年农村危房改造补助对象公示",
        "关于{township}农村危房改造项目竣工验收情况的公示",
    ], [
        "经农户申请、村民评议、乡镇审核和县级审批，{township}{village}等{households}户列入{year}年农村危房改造计划，户均补助资金{rate}元。",
        "改造方式包括原址翻建、维修加固和统建农房，工程须在{end}前完成并通过竣工验收。",
        "补助资金实行按进度拨付，验收合格后由财政部门通过“一卡通”发放。",
    ]),
    ("annual_report", None, [
        "{body}{year}年政府信息公开工作年度报告",
    ], [
        "本报告依据《中华人民共和国政府信息公开条例》（以下简称《条例》）第五十条的规定编制，内容包括总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、政府信息公开行政复议和行政诉讼情况、存在的主要问题及改进情况、其他需要报告的事项。",
        "{year}年，{body}坚持以公开为常态、不公开为例外，主动公开政府信息{count}条，其中行政规范性文件{count2}件，政策解读{count3}篇。",
        "全年共收到政府信息公开申请{count2}件，其中自然人申请{count3}件，均在法定期限内答复，未收取信息处理费。",
        "因政府信息公开工作被申请行政复议{small}件，提起行政诉讼{small2}件，结果均为维持。",
        "存在的主要问题：部分栏目更新不及时，政策解读形式较为单一。下一步将进一步加强基层政务公开标准化规范化建设。",
    ]),
    ("regulation", "政办", [
        "关于印发《{county}{policy}管理办法》的通知",
        "{county}人民政府关于印发{policy}实施方案的通知",
        "{county}{policy}实施细则",
    ], [
        "各乡镇人民政府，县直各部门：《{county}{policy}管理办法》已经县人民政府第{count}次常务会议研究通过，现印发给你们，请认真贯彻执行。",
        "第一条 为规范{policy}工作，根据有关法律法规和政策规定，结合本县实际，制定本办法。",
        "第二条 本办法适用于本县行政区域内的{policy}活动。县{dept}负责本办法的组织实施。",
        "第三条 {policy}工作遵循依法依规、公开透明、公平公正、便民高效的原则。",
        "第{article}条 违反本办法规定的，由有关部门依法处理；构成犯罪的，依法追究刑事责任。",
        "本办法自{start}起施行，有效期五年。本办法属行政规范性文件，由{county}司法局进行合法性审查。",
    ]),
    ("reply", "政办", [
        "政府信息公开申请答复书（{county}政信〔{year}〕{seq}号）",
        "关于{applicant}依申请公开政府信息的答复",
        "政府信息公开申请补正告知书",
    ], [
        "{applicant}：本机关于{start}收到您提出的政府信息公开申请，您申请获取“{township}{project}项目的立项批复及资金使用情况”。",
        "经审查，根据《中华人民共和国政府信息公开条例》第三十六条第（{small}）项的规定，现答复如下：您申请的信息属于公开范围，现提供给您。",
        "经检索，本机关未制作或获取您申请的政府信息，该信息不存在。",
        "如对本答复不服，可以自收到本答复之日起六十日内向{county}人民政府申请行政复议，或者在六个月内向人民法院提起行政诉讼。",
        "依申请公开政府信息不收取费用，但申请人申请公开政府信息的数量、频次明显超过合理范围的，可以收取信息处理费。",
    ]),
    ("budget", None, [
        "{body}{year}年部门预算公开",
        "{body}{year}年度部门决算",
        "{county}{year}年财政预算执行情况和{year1}年财政预算草案的报告",
    ], [
        "{year}年部门收入预算{amount}万元，其中一般公共预算拨款收入{amount2}万元，政府性基金预算拨款收入{small}万元。",
        "“三公”经费支出预算{rate}万元，其中因公出国（境）费0万元，公务用车购置及运行维护费{small}万元，公务接待费{small2}万元。",
        "政府采购预算{amount2}万元，国有资产占用情况：车辆{small}辆，单价50万元以上设备{small2}台。",
        "全县一般公共预算收入完成{amount}万元，同比增长{pct}%；一般公共预算支出{amount2}万元，民生支出占比{pct2}%。",
    ]),
    ("procurement", None, [
        "{county}{project}项目招标公告",
        "{county}{project}项目中标结果公告",
        "{county}{project}采购项目成交公告",
    ], [
        "{county}公共资源交易中心受{body}委托，就{project}项目进行公开招标，项目编号：{county_code}-{year}-{seq}，预算金额{amount}万元。",
        "投标人须具备独立法人资格，具有建筑工程施工总承包三级及以上资质，近三年无重大违法记录。",
        "中标单位：{company}，中标金额{amount2}万元，工期{days}日历天，项目负责人{name}。",
        "投标截止时间为{end}上午9时30分，地点：{county}公共资源交易中心开标室（{road}{small}号）。",
    ]),
    ("personnel", "人社", [
        "{county}{year}年事业单位公开招聘工作人员公告",
        "{county}{year}年公开招聘教师拟聘用人员公示",
        "关于{name}等同志职务任免的通知",
    ], [
        "经研究，{county}{year}年面向社会公开招聘事业单位工作人员{count}名，报名时间为{start}至{end}。",
        "应聘人员须具有中华人民共和国国籍，遵守宪法和法律，具有良好的品行和岗位所需的专业或技能条件。",
        "笔试成绩占总成绩的60%，面试成绩占40%，按总成绩从高到低等额确定体检和考察人选。",
        "经县人民政府研究决定：任命{name}为{county}{dept}副局长，免去{name2}的{county}{dept}副局长职务。",
    ]),
    ("public_notice", "人社", [
        "{county}{year}年一次性创业补贴拟发放名单公示",
        "{county}{year}年公益性岗位补贴和社会保险补贴发放公示",
        "关于{year}年度失业保险稳岗返还的公示",
    ], [
        "根据就业补助资金管理办法，经个人申请、乡镇初审、县人力资源和社会保障局审核，{people}名创业人员符合一次性创业补贴发放条件，每人补贴{rate}元。",
        "{year}年第{quarter}季度全县公益性岗位在岗人员{people}人，发放岗位补贴{amount}元，社会保险补贴{amount2}元。",
        "经审核，{households}家企业符合失业保险稳岗返还政策条件，返还资金合计{amount}元。",
    ]),
    ("plan", "发改", [
        "{county}国民经济和社会发展第十五个五年规划纲要",
        "{county}{year}年重点项目建设计划",
        "{county}{year}年民生实事项目安排情况",
    ], [
        "{year}年全县共安排重点项目{count}个，总投资{amount}亿元，年度计划投资{amount2}亿元，其中{project}等项目已开工建设。",
        "坚持稳中求进工作总基调，加快推进乡村振兴，巩固拓展脱贫攻坚成果同乡村振兴有效衔接。",
        "实施{project}、{project2}等一批打基础、利长远、惠民生的重大项目，持续优化营商环境。",
    ]),
    ("statistics", "统", [
        "{county}{year}年国民经济和社会发展统计公报",
        "{county}{year}年{month}月主要经济指标",
    ], [
        "初步核算，{year}年全县地区生产总值{amount}亿元，按不变价格计算，比上年增长{pct}%。",
        "全年粮食播种面积{area_mu}亩，粮食总产量{amount2}吨，其中{crop}产量{small}万吨。",
        "城镇常住居民人均可支配收入{low_urban}元，增长{pct}%；农村常住居民人均可支配收入{low_rural}元，增长{pct2}%。",
    ]),
    ("decision", "市监", [
        "{county}市场监督管理局行政处罚决定书（{prefix}市监处罚〔{year}〕{seq}号）",
        "{county}{year}年第{batch}期食品安全监督抽检信息公告",
    ], [
        "当事人{company}，统一社会信用代码{uscc}，住所{county}{road}{small}号。",
        "经查，当事人于{start}销售的{crop}制品经抽样检验不合格，违反了《中华人民共和国食品安全法》的规定。",
        "依据《中华人民共和国行政处罚法》第二十八条，决定给予当事人如下行政处罚：没收违法所得{rate}元，罚款{amount}元。",
        "本期共抽检食品样品{count}批次，其中合格{count2}批次，不合格{small}批次，不合格产品已依法处置。",
    ]),
    ("approval", "环", [
        "关于{company}{project}项目环境影响报告表的批复",
        "{county}{year}年建设项目环境影响评价文件审批情况公示",
    ], [
        "你单位报送的《{project}项目环境影响报告表》收悉。该项目位于{county}{township}，总投资{amount}万元，其中环保投资{small}万元。",
        "在全面落实报告表提出的各项污染防治措施后，项目建设对环境的不利影响能够得到缓解和控制，我局同意该项目按照报告表所列性质、规模、地点进行建设。",
        "项目建成后须按规定开展竣工环境保护验收，并依法申领排污许可证。",
    ]),
    ("notice", "应急", [
        "关于做好{year}年防汛抗旱工作的通知",
        "关于开展{year}年安全生产大检查的通知",
        "{county}{year}年森林防火期野外用火管理通告",
    ], [
        "各乡镇人民政府，县直有关部门：当前已进入主汛期，为切实做好防汛抗旱工作，确保人民群众生命财产安全，现就有关事项通知如下。",
        "各地要深入开展安全隐患排查整治，对排查出的隐患建立台账、限期整改，实行闭环管理。",
        "森林防火期内，禁止在林区野外吸烟、烧荒、上坟烧纸、燃放烟花爆竹等一切野外用火行为。",
        "值班电话：{phone}。各单位要严格执行24小时值班和领导带班制度，遇有突发事件须在30分钟内报告。",
    ]),
    ("notice", "医保", [
        "关于做好{year1}年度城乡居民基本医疗保险参保缴费工作的通知",
        "{county}{year}年医疗救助资金使用情况公示",
    ], [
        "{year1}年度城乡居民医保个人缴费标准为每人每年{rate}元，集中缴费期为{start}至{end}。",
        "特困人员、低保对象、返贫致贫人口参加城乡居民医保的个人缴费部分按规定给予资助。",
        "{year}年全县共实施医疗救助{count}人次，支出医疗救助资金{amount}元。",
    ]),
    ("notice", "教", [
        "{county}{year}年义务教育阶段学校招生工作方案",
        "{county}{year}年秋季学期国家助学金拟资助学生名单公示",
        "{county}{year}年学生资助政策告家长书",
    ], [
        "{year}年秋季，全县公办小学和初中实行划片招生、免试就近入学，{township}中心学校招生范围为{village}等村。",
        "家庭经济困难学生可申请国家助学金，脱贫家庭学生、低保家庭学生、特困供养学生优先纳入资助范围。",
        "本学期共资助学生{people}人，发放资助资金{amount}元，营养改善计划覆盖{count}所学校。",
    ]),
    ("interpretation", None, [
        "《{county}{policy}管理办法》政策解读",
        "图解：{county}{year}年政府工作报告",
    ], [
        "一、制定背景。为贯彻落实上级关于{policy}的决策部署，进一步规范{policy}工作，{body}起草了本办法。",
        "二、主要内容。办法共{count}条，明确了适用范围、职责分工、工作程序和监督管理等内容。",
        "三、解读机关及联系方式：{body}，联系电话{phone}。",
    ]),
    ("public_notice", "乡振", [
        "{county}{year}年财政衔接推进乡村振兴补助资金项目计划公告",
        "{county}{year}年巩固拓展脱贫攻坚成果和乡村振兴项目库公示",
        "{township}{year}年雨露计划补助对象公示",
    ], [
        "{year}年全县安排衔接资金{amount}万元，实施产业发展、就业帮扶、乡村建设等项目{count}个，带动脱贫人口和监测对象{people}人增收。",
        "项目实施严格执行公告公示制度，接受社会监督，监督电话{phone}。",
        "雨露计划补助对象为脱贫家庭（含监测对象家庭）中接受中、高等职业教育的学生，每生每学期补助{rate}元。",
    ]),
    ("notice", None, [
        "{township}人民政府关于{village}村务公开情况的通报",
        "{township}{year}年{month}月便民服务中心工作动态",
    ], [
        "{township}{village}村民委员会按季度公开村级财务收支情况，本季度收入{amount}元，支出{amount2}元，结余{rate}元。",
        "本月{township}便民服务中心共受理各类政务服务事项{count}件，办结率100%，推行一网通办和“一件事一次办”。",
        "一事一议筹资筹劳项目须经村民会议讨论通过，并在村务公开栏公示。",
    ]),
]
GENERIC = [
    "特此公告。",
    "特此通知。",
    "请各单位结合实际，认真抓好贯彻落实。",
    "联系人：{name}，联系电话：{phone}。",
    "附件：{attachment}",
    "{body}",
    "{end}",
]
BOILERPLATE = [
    "各有关单位要提高政治站位，切实加强组织领导，明确责任分工，确保各项工作落到实处。",
    "要坚持以人民为中心的发展思想，聚焦群众急难愁盼问题，不断增强人民群众的获得感、幸福感、安全感。",
    "{county}各级各部门要严格落实工作责任制，对工作推进不力、造成不良影响的，依规依纪追究相关人员责任。",
    "要充分利用政府网站、政务新媒体、村务公开栏等渠道加强政策宣传，提高群众知晓率。",
    "资金使用情况接受审计、财政部门和社会各界监督，严禁截留、挤占、挪用。",
    "{township}已按照要求在各村（社区）醒目位置张贴公示，广泛接受群众监督。",
    "{year}年以来，{body}认真贯彻落实上级决策部署，各项工作取得积极成效，但仍存在基础薄弱、保障不足等问题。",
    "下一步，我们将进一步完善工作机制，强化督促检查，推动各项政策措施落地见效。",
    "经{county}人民政府同意，现将有关事项通知如下。",
    "本{doc}自印发之日起施行，由{body}负责解释。",
    "请于{end}前将工作开展情况书面报送{body}，逾期未报的予以通报。",
    "对群众反映的问题，要建立台账，逐项核实，限期办结，做到件件有着落、事事有回音。",
    "各乡镇要安排专人负责，做好资料收集、审核、汇总和归档工作，确保数据真实准确。",
    "要严格执行中央八项规定及其实施细则精神，厉行节约，反对浪费。",
    "本次工作坚持公开、公平、公正原则，严格按照个人申请、村级评议、乡镇审核、县级审批的程序进行。",
    "各级财政部门要加强资金监管，确保资金及时足额发放到位，提高资金使用效益。",
    "凡弄虚作假、虚报冒领的，一经查实，追回已发放资金，并依法依规追究责任。",
    "{county}将把此项工作纳入年度目标责任考核，定期通报工作进展情况。",
    "各单位要加强信息化建设，推进数据共享，实现业务协同办理，让数据多跑路、群众少跑腿。",
    "要进一步规范政府信息公开工作，及时准确公开群众关注的政策措施和办事流程。",
    "全面推行证明事项告知承诺制，持续深化放管服改革，不断优化营商环境。",
    "对涉及国家秘密、商业秘密、个人隐私的信息，要严格按照规定进行保密审查，不得公开。",
    "要严格落实安全生产责任制，加强重点领域隐患排查治理，坚决防范遏制重特大事故发生。",
    "{township}党委、政府高度重视，专门召开会议进行研究部署，成立了由主要负责同志任组长的工作领导小组。",
]
POLICIES = ["政府投资项目", "公共资源交易", "农村集体资产", "行政规范性文件", "政府信息公开", "财政专项资金",
            "城市绿化", "物业服务", "居民自建房", "殡葬", "河道采砂", "政府购买服务", "重大行政决策程序"]
COMPANIES = ["建设工程有限公司", "农业科技开发有限公司", "商贸有限公司", "食品有限公司", "新能源科技有限公司",
             "环保工程有限公司", "市政园林有限公司"]
DOC_SUFFIX = {"regulation": "发", "reply": "函", "decision": "决", "approval": "审", "notice": "发",
              "personnel": "任", "public_notice": "字", "budget": "财", "plan": "发", "statistics": "字",
              "procurement": "采", "annual_report": "报", "interpretation": "字"}




def _name(r: random.Random) -> str:
    """A masked personal name as published in payout lists (王*华)."""
    return r.choice(SURNAMES) + "*" + (r.choice(GIVEN) if r.random() < 0.7 else "")


def _full_name(r: random.Random) -> str:
    return r.choice(SURNAMES) + r.choice(GIVEN) + (r.choice(GIVEN) if r.random() < 0.7 else "")


def _money(r: random.Random, lo: float, hi: float) -> str:
    return f"{r.uniform(lo, hi):.2f}"


def _day(r: random.Random, year: int) -> dt.date:
    return dt.date(year, 1, 1) + dt.timedelta(days=r.randrange(365))


def _cn_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _body_code(area: str, body: str) -> str:
    """An 18-character code shaped like a 统一社会信用代码 (the stem of a 索引号)."""
    crc = zlib.crc32(body.encode())
    return f"11{area}{crc % 10**9:09d}" + "0123456789X"[crc % 11]


def generate(n: int, seed: int = 20261128) -> Iterator[dict]:
    """Yield ``n`` synthetic records as dicts; the same seed gives the same records."""
    r = random.Random(seed)
    numbers: dict[tuple[str, int], int] = {}
    for i in range(n):
        doc_type, dept_abbr, titles, paragraphs = r.choice(TOPICS)
        county, area, prefix = r.choice(COUNTIES)
        township, village, road = r.choice(TOWNSHIPS), r.choice(VILLAGES), r.choice(ROADS)
        dept = "财政局"
        if dept_abbr is not None:
            dept, abbr = next(d for d in DEPARTMENTS if d[1] == dept_abbr)
            body = county + dept
        elif r.random() < 0.5:
            dept, abbr = r.choice(DEPARTMENTS)
            body = county + dept
        else:
            body, abbr = (county + "人民政府" if r.random() < 0.3 else township + "人民政府"), "政"
        year = r.randrange(2016, 2027)
        published = dt.datetime.combine(_day(r, year), dt.time(r.randrange(8, 18), r.randrange(60)))
        start = _day(r, year)
        slots = {
            "county": county, "township": township, "village": village, "road": road, "province": "某某省",
            "year": year, "year1": year + 1, "month": r.randrange(1, 13), "quarter": r.randrange(1, 5),
            "batch": r.randrange(1, 9), "body": body, "dept": dept,
            "area_mu": f"{r.uniform(800, 90000):.2f}", "rate": r.choice([95, 105.5, 110, 120, 80, 300, 500, 2000, 6000]),
            "rate2": r.choice([800, 1200, 1500]), "amount": _money(r, 1000, 9_000_000), "amount2": _money(r, 100, 900_000),
            "days": r.choice([5, 7, 10, 15, 30, 90, 180]), "start": _cn_date(start),
            "end": _cn_date(start + dt.timedelta(days=r.randrange(5, 60))),
            "phone": f"0{r.randrange(100, 999)}-{r.randrange(1000000, 9999999)}",
            "households": r.randrange(3, 900), "people": r.randrange(5, 3000), "machines": r.randrange(10, 400),
            "low_urban": r.randrange(600, 900), "low_rural": r.randrange(4800, 8000), "count": r.randrange(20, 900),
            "count2": r.randrange(5, 200), "count3": r.randrange(1, 60), "small": r.randrange(0, 9),
            "small2": r.randrange(0, 5), "pct": f"{r.uniform(0.5, 9.9):.1f}", "pct2": f"{r.uniform(60, 85):.1f}",
            "policy": r.choice(POLICIES), "project": r.choice(PROJECTS), "project2": r.choice(PROJECTS),
            "company": county[:2] + r.choice(["恒达", "鑫源", "华晟", "宏远", "绿源", "丰泽"]) + r.choice(COMPANIES),
            "name": _full_name(r), "name2": _full_name(r), "applicant": _name(r), "crop": r.choice(CROPS),
            "article": r.choice(["十五", "二十", "二十三"]), "seq": r.randrange(1, 300), "prefix": prefix,
            "doc": r.choice(["办法", "方案", "通知", "规定"]), "county_code": area,
            "uscc": f"91{area}MA{r.randrange(10**8, 10**9)}", "attachment": r.choice(["公示名单.xlsx", "实施方案.docx", "明细表.pdf"]),
        }
        title = r.choice(titles).format(**slots)
        picked = sorted(r.sample(range(len(paragraphs)), r.randrange(2, len(paragraphs) + 1)))
        parts = [paragraphs[k].format(**slots) for k in picked]
        parts[1:1] = [p.format(**slots) for p in r.sample(BOILERPLATE, r.randrange(3, 10))]
        parts += [p.format(**slots) for p in r.sample(GENERIC, r.randrange(1, 3))]
        if doc_type == "public_notice" and r.random() < 0.35:
            # The attachment: a payout table as extracted from a spreadsheet.
            rows = ["序号 姓名 所在村组 面积（亩） 标准（元） 金额（元）"]
            for k in range(r.randrange(20, 160)):
                rows.append(f"{k + 1} {_name(r)} {village}{r.randrange(1, 12)}组 {r.uniform(0.5, 30):.2f} "
                            f"{slots['rate']} {r.uniform(50, 5000):.2f}")
            parts.append("\n".join(rows))
        numbers[(prefix + abbr, year)] = number = numbers.get((prefix + abbr, year), 0) + 1
        yield {
            "key": f"bench.record:{i + 1}",
            "title": title,
            "text": "\n".join(parts),
            "url": f"/xxgk/{area}/{year}/{i + 1}/",
            "body": body,
            "body_id": zlib.crc32(body.encode()) % 10**6,
            "area": area,
            "doc_type": doc_type,
            "year": year,
            "published_at": published,
            "doc_number": f"{prefix}{abbr}{DOC_SUFFIX[doc_type]}〔{year}〕{number}号" if r.random() < 0.8 else "",
            "index_number": f"{_body_code(area, body)}/{year}-{number:05d}",
        }


# --- the queries ------------------------------------------------------------------------------

WORDS = ["补贴", "低保", "公示", "招聘", "预算", "救助", "招标"]
PHRASES = ["耕地地力保护补贴", "信息公开", "农机购置补贴", "生态公益林补偿", "农村危房改造", "政府信息公开工作年度报告",
           "行政处罚决定书", "雨露计划", "依申请公开"]
MULTI = ["信息公开 年度报告", "东岭村 低保", "城关镇 农村危房改造", "2024 耕地地力保护补贴", "农业农村局 补贴 2025",
         "环境影响 批复", "三公 经费", "马家岭乡 雨露计划"]
PLACES = ["青山县", "东岭村", "马家岭乡", "柏树湾村"]
NO_HITS = ["量子计算机", "火星探测器 招标"]


def queries(samples: list[dict]) -> list[tuple[str, str, dict, int]]:
    """The 50 representative queries: (category, query, filters, page).

    What citizens type into a county portal's search box: single words and the names of
    subsidies and procedures, two or three words, place names (which segment into single
    characters, the broadest matches there are), a whole title pasted, 文号 as printed and in the
    usual variant spellings (brackets, 第, leading zeros, no 号, issuer and year only), a 文号 that
    is not in the index (searched as text), 索引号, and the portal's filters: body and year, document
    type, area, an empty query with filters (a listing), deep pages, and queries with no hits.
    ``samples`` are three indexed records with a 文号 (the first a subsidy notice).
    """
    a, b, c = samples[0], samples[1], samples[2]
    number = b["doc_number"]
    out = [("word", q, {}, 1) for q in WORDS]
    out += [("phrase", q, {}, 1) for q in PHRASES]
    out += [("multi", q, {}, 1) for q in MULTI]
    out += [("place", q, {}, 1) for q in PLACES]
    out += [
        ("title", c["title"], {}, 1),
        ("文号", a["doc_number"], {}, 1),
        ("文号", a["doc_number"].replace("〔", "[").replace("〕", "]"), {}, 1),
        ("文号", number.replace("〔", "（").replace("〕", "）").replace("号", ""), {}, 1),
        ("文号", number.replace("〕", "〕第0").replace("〔", " 〔"), {}, 1),
        ("文号", number[:number.index("〕") + 1], {}, 1),
        ("文号", "青政办发〔2015〕999号", {}, 1),
        ("索引号", a["index_number"], {}, 1),
        ("索引号", " " + b["index_number"].lower().replace("-", "－") + " ", {}, 1),
        ("索引号", c["index_number"], {}, 1),
        ("filter", "补贴", {"body": a["body_id"], "year": a["year"]}, 1),
        ("filter", "", {"body": b["body_id"], "year": b["year"], "doc_type": b["doc_type"]}, 1),
        ("filter", "", {"doc_type": "regulation"}, 1),
        ("filter", "招聘", {"doc_type": "personnel"}, 1),
        ("filter", "公示", {"area": a["area"], "year": 2024}, 1),
        ("filter", "低保", {"doc_type": "public_notice", "year": [2025, 2026]}, 1),
        ("page", "补贴", {}, 5),
        ("page", "补贴", {}, 50),
        ("page", "", {}, 20),
        ("page", "", {"year": 2024}, 50),
    ]
    out += [("no hits", q, {}, 1) for q in NO_HITS]
    assert len(out) == 50, len(out)
    return out


# --- one database, in this process ------------------------------------------------------------


def run_one(db: str, records: int, runs: int, pg_url: str, keep: bool, batch_size: int, reuse: str = "") -> int:
    if reuse:
        # The queries only, on a database kept by an earlier run (its directory holds bench.json).
        saved = json.loads((Path(reuse) / "bench.json").read_text())
        with reused_database(Path(reuse), saved["database_url"], saved["label"]) as scratch:
            return _queries(scratch.label, saved["records"], runs, saved["samples"], saved["chars"])
    with scratch_database(db, pg_url, "gk_search_bench", keep=keep) as scratch:
        if scratch is None:
            return 0
        result = _bench(scratch.label, records, runs, batch_size, scratch.directory)
        if keep:
            print(f"kept scratch database: {scratch.database_url} (queries only: --reuse {scratch.directory})")
        return result


def _bench(label: str, records: int, runs: int, batch_size: int, scratch_dir: Path) -> int:
    from django.core.management import call_command
    from django.db import connection

    from gongkai.search import api
    from gongkai.search.analysis import index_text, segmenter

    call_command("migrate", "gongkai_search", verbosity=0)
    segmenter()  # loaded once per process; not part of the indexing rate

    samples: list[dict] = []
    chars = 0
    generating = 0.0  # time spent making up the records, not indexing them

    def documents():
        nonlocal chars, generating
        records_made = generate(records)
        for i in range(records):
            t = time.perf_counter()
            rec = next(records_made)
            generating += time.perf_counter() - t
            # Identifiers and filter values for the queries: the first subsidy notice with a 文号,
            # then the first records with one after a third and after two thirds of the corpus.
            if rec["doc_number"] and len(samples) < 3 and i >= len(samples) * records // 3 and (
                    samples or "补贴" in rec["title"]):
                samples.append({k: v for k, v in rec.items() if k != "text" and k != "published_at"})
            chars += len(rec["title"]) + len(rec["text"])
            if i and i % 50_000 == 0:
                rate = i / (time.perf_counter() - t0 - generating)
                print(f"  {label}: {i} records indexed, {rate:.0f} records/s, peak RSS {_peak_rss_mb():.0f} MB",
                      file=sys.stderr, flush=True)
            yield rec["key"], api.Document(
                title=rec["title"], text=rec["text"], url=rec["url"], published_at=rec["published_at"],
                body_id=rec["body_id"], area=rec["area"], doc_type=rec["doc_type"], year=rec["year"],
                doc_number=rec["doc_number"], index_number=rec["index_number"],
            )

    load_before = os.getloadavg()
    t0 = time.perf_counter()
    api.index_many(documents(), batch_size=batch_size)
    index_seconds = time.perf_counter() - t0 - generating
    t1 = time.perf_counter()
    api.optimize()
    optimize_seconds = time.perf_counter() - t1
    load_after = os.getloadavg()
    (scratch_dir / "bench.json").write_text(json.dumps({
        "label": label, "database_url": os.environ["DATABASE_URL"], "records": records, "samples": samples,
        "chars": chars,
    }, ensure_ascii=False))

    sample = [rec["title"] + "\n" + rec["text"] for rec in generate(2000, seed=7)]
    t2 = time.perf_counter()
    for text in sample:
        index_text(text)
    seg_rate = sum(map(len, sample)) / (time.perf_counter() - t2)

    size = _database_size(connection, scratch_dir)
    print(f"\n== {label} {connection.vendor} ({_server_version(connection)}), {records} records "
          f"({chars / records:.0f} characters each on average) ==")
    print(f"indexing: {index_seconds:.1f} s = {records / index_seconds:.0f} records/s, generating the records "
          f"not included (segmentation alone: {seg_rate / 1e6:.2f} M characters/s); optimize/analyze "
          f"{optimize_seconds:.1f} s; database {size / 1e6:.0f} MB; peak RSS {_peak_rss_mb():.0f} MB; "
          f"load average {load_before[0]:.1f} before, {load_after[0]:.1f} after ({os.cpu_count()} CPUs)")
    return _queries(label, records, runs, samples, chars, f"; indexing {records / index_seconds:.0f} records/s")


def _queries(label: str, records: int, runs: int, samples: list[dict], chars: int, suffix: str = "") -> int:
    from django.db import connection

    from gongkai.search import api

    statements: list[float] = []

    def timed(execute, sql, params, many, context):
        t = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            statements.append(time.perf_counter() - t)

    server_cpu = _server_cpu_clock(connection)
    qs = queries(samples)
    for _, q, filters, page in qs:  # warm-up pass: caches, prepared plans
        api.search(q, filters=filters, page=page)
    timings: dict[int, list[float]] = {i: [] for i in range(len(qs))}
    cpu: dict[int, list[float]] = {i: [] for i in range(len(qs))}
    sql: dict[int, list[tuple[int, float]]] = {i: [] for i in range(len(qs))}
    hits: dict[int, tuple[int, bool, str]] = {}
    load_before = os.getloadavg()
    with connection.execute_wrapper(timed):
        for _ in range(runs):
            for i, (_, q, filters, page) in enumerate(qs):
                statements.clear()
                c, s = time.thread_time(), server_cpu()
                t = time.perf_counter()
                result = api.search(q, filters=filters, page=page)
                timings[i].append((time.perf_counter() - t) * 1000)
                cpu[i].append((time.thread_time() - c + server_cpu() - s) * 1000)
                sql[i].append((len(statements), sum(statements) * 1000))
                hits[i] = (result.total, result.total_exact, result.mode)
    load_after = os.getloadavg()
    every = sorted(ms for values in timings.values() for ms in values)
    every_cpu = sorted(ms for values in cpu.values() for ms in values)

    print(f"{'category':8} {'median ms':>9} {'max ms':>7} {'CPU ms':>6} {'SQL ms':>6} {'stmts':>5} {'hits':>7}  query")
    for i, (category, q, filters, page) in enumerate(qs):
        total, exact, mode = hits[i]
        desc = repr(q) + (f" filters={filters}" if filters else "") + (f" page={page}" if page > 1 else "")
        count, sql_ms = sorted(sql[i], key=lambda item: item[1])[len(sql[i]) // 2]
        print(f"{category:8} {statistics.median(timings[i]):9.1f} {max(timings[i]):7.1f} {statistics.median(cpu[i]):6.1f} "
              f"{sql_ms:6.1f} {count:5} {total:>6}{'' if exact else '+'}  {desc} [{mode}]")
    print(f"load average {load_before[0]:.1f} before the queries, {load_after[0]:.1f} after ({os.cpu_count()} CPUs); "
          f"CPU time per query{'' if server_cpu.measured else ' (this process only)'}: "
          f"p50 {_pct(every_cpu, 50):.1f} ms, p95 {_pct(every_cpu, 95):.1f} ms")
    print(f"{label}: {records} records, {len(qs)} queries × {runs} runs: p50 {_pct(every, 50):.1f} ms, "
          f"p95 {_pct(every, 95):.1f} ms, max {every[-1]:.1f} ms{suffix}")
    return 0


def _server_cpu_clock(connection):
    """A clock of the CPU time (s) the database server process of this connection has used, for
    a PostgreSQL server on this machine (its /proc/<pid>/schedstat, in ns); SQLite runs inside
    this process and a remote server cannot be measured: 0. Together with this thread's CPU time
    it tells what a query costs whatever the machine's load: the wall-clock time includes waiting
    for a CPU, which on a busy machine is most of it."""

    def zero() -> float:
        return 0.0

    zero.measured = connection.vendor == "sqlite"
    if connection.vendor != "postgresql":
        return zero
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid(), inet_server_addr()")
        pid, address = cursor.fetchone()
    path = Path(f"/proc/{pid}/schedstat")
    if address not in (None, "127.0.0.1", "::1") or not os.access(path, os.R_OK):
        return zero

    def clock() -> float:
        return int(path.read_text().split()[0]) / 1e9

    clock.measured = True
    return clock


def _peak_rss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _pct(values: list[float], pct: int) -> float:
    return values[min(len(values) - 1, max(0, round(pct / 100 * len(values)) - 1))]


def _database_size(connection, scratch_dir: Path) -> int:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_database_size(current_database())")
            return cursor.fetchone()[0]
    return sum(p.stat().st_size for p in scratch_dir.glob("*"))


def _server_version(connection) -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
        else:
            cursor.execute("SELECT sqlite_version()")
        return cursor.fetchone()[0]


# --- command line -----------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=100_000, help="number of records (default 100000)")
    parser.add_argument("--db", choices=["sqlite", "pg", "both"], default="both")
    parser.add_argument("--runs", type=int, default=5, help="timed passes over the 50 queries (default 5)")
    parser.add_argument("--batch-size", type=int, default=500, help="entries per indexing transaction")
    parser.add_argument("--pg-url", default=os.environ.get("GONGKAI_BENCH_PG_URL", DEFAULT_PG_URL),
                        help=f"PostgreSQL server to create the scratch database on (default {DEFAULT_PG_URL})")
    parser.add_argument("--keep", action="store_true", help="keep the scratch databases")
    parser.add_argument("--reuse", metavar="DIR", default="",
                        help="time the queries only, on the database a --keep run left in DIR (it prints DIR)")
    args = parser.parse_args(argv)
    if args.records < 1000:
        parser.error("--records must be at least 1000")
    if args.reuse or args.db != "both":
        return run_one(args.db, args.records, args.runs, args.pg_url, args.keep, args.batch_size, args.reuse)
    status = 0
    for db in ("sqlite", "pg"):
        command = [sys.executable, __file__, "--db", db, "--records", str(args.records), "--runs", str(args.runs),
                   "--batch-size", str(args.batch_size), "--pg-url", args.pg_url] + (["--keep"] if args.keep else [])
        status |= subprocess.call(command)
    return status


if __name__ == "__main__":
    sys.exit(main())
