"""A labelled corpus of generated disclosure documents for measuring the privacy detectors.

Deterministic (seeded ``random.Random``), generated in memory: payout lists (耕地地力保护补贴,
一卡通 发放花名册), 低保 lists, 行政处罚决定书, 政府信息公开申请答复书, policy documents and work bulletins,
rendered as .txt (UTF-8 with/without BOM, GBK), .csv, .html, .docx (tables, run splits, headers,
footers, comments), .xlsx (hidden sheets, hidden rows, comments, numeric cells) and .pdf (a text
layer written by hand).

The variety comes from how such documents are written, not from the detectors: numbers typed with
spaces, hyphens, full-width digits, ``+86``, lower-case ``x``, a mistyped check digit, 15-digit
first-generation IDs, passbook accounts that fail Luhn under an account column, e-mail addresses
with upper-case domains or a full-width ＠; and hard negatives next to them — unified social credit
codes (some all digits), masked values, 18/19-digit serials, order numbers that look like mobile
numbers, 文号, 索引号, amounts, dates, invoice codes, case numbers, ISBNs, postcodes and hotlines.

Every planted personal value is recorded as ``Truth(kind, normalised value)`` with the piece of
text it is in, so a renderer that leaves a piece out (a CSV keeps only the table) leaves its
truth out too.
"""

from __future__ import annotations

import io
import random
import zlib
from collections import Counter
from dataclasses import dataclass, field

# ---- independent reference rules (written from the standards, not imported from the code) ----

_W = [2 ** (17 - i) % 11 for i in range(17)]


def gb11643_check(first17: str) -> str:
    return "10X98765432"[sum(int(d) * w for d, w in zip(first17, _W, strict=True)) % 11]


def luhn_valid(number: str) -> bool:
    digits = [int(d) for d in number]
    for i in range(len(digits) - 2, -1, -2):
        digits[i] = digits[i] * 2 - 9 if digits[i] > 4 else digits[i] * 2
    return sum(digits) % 10 == 0


def luhn_complete(body: str) -> str:
    return next(body + c for c in "0123456789" if luhn_valid(body + c))


USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def uscc(rng: random.Random, numeric: bool = False) -> str:
    """A valid 统一社会信用代码 (GB 32100-2015, with its GB 11714 organisation code)."""
    org_chars = "0123456789" if numeric else "0123456789ABCDEFGHJKLMNPQRTUWXY"
    while True:
        head = rng.choice(["11", "12", "13", "31", "51", "52", "53", "54", "91", "92", "93"])
        region = rng.choice(REGIONS)
        org8 = ("MA" if not numeric and rng.random() < 0.6 else "") + "".join(rng.choice(org_chars) for _ in range(8))
        org8 = org8[:8]
        weights = (3, 7, 9, 10, 5, 8, 4, 2)
        total = sum(("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ".index(c)) * w for c, w in zip(org8, weights, strict=True))
        check = {10: "X", 11: "0"}.get(11 - total % 11, str(11 - total % 11))
        first17 = head + region + org8 + check
        if any(c not in USCC_CHARS for c in first17):
            continue
        total = sum(USCC_CHARS.index(c) * pow(3, i, 31) for i, c in enumerate(first17))
        code = first17 + USCC_CHARS[(31 - total % 31) % 31]
        if not numeric or code.isdigit():
            return code


# ---- people and places ---------------------------------------------------------------------

REGIONS = ["430102", "430121", "430124", "431121", "431102", "430602", "110105", "110108", "310115", "440305",
           "440106", "510104", "510722", "320582", "420111", "610113", "370102", "410105", "350203", "520102",
           "530102", "620102", "650102", "450103", "360102", "130102", "140105", "150102", "210102", "220102",
           "230102", "340102", "330106", "460105", "500101", "540102", "630102", "640104", "421182", "362427"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = ["伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超",
         "秀兰", "霞", "平", "刚", "桂英", "建国", "建华", "志强", "春梅", "海燕", "德胜", "金凤", "玉珍", "淑珍", "国庆",
         "小红", "宇航", "子涵", "浩然", "雨萱", "梓轩", "思远", "家豪", "文斌", "桂兰", "长生", "满堂", "福生"]
PINYIN = ["zhang", "wang", "li", "liu", "chen", "yang", "huang", "zhao", "zhou", "wu", "xu", "sun", "hu", "zhu",
          "gao", "lin", "he", "guo", "ma", "luo"]
PINYIN_GIVEN = ["wei", "fang", "na", "xiuying", "min", "jing", "li", "qiang", "lei", "jun", "yang", "yong", "yan",
                "jie", "juan", "tao", "ming", "chao", "xia", "ping", "gang", "jianguo", "haiyan"]
COUNTY = "青山县"
TOWNS = ["城关镇", "青山镇", "白沙乡", "石门镇", "桃源乡", "龙潭镇", "河西街道", "东岭乡", "双江口镇", "黄土铺镇"]
VILLAGES = ["东升村", "红旗村", "新华村", "团结村", "大坪村", "杨家村", "柳树村", "石桥村", "枫林社区", "马家湾村",
            "长冲村", "白果村"]
BANKS = ["中国农业银行", "农村商业银行", "中国邮政储蓄银行", "中国工商银行", "中国建设银行", "农村信用合作联社"]
# Issuer prefixes of cards that subsidies are paid into (一卡通 / 社保卡 / debit cards).
CARD_BINS = [("622848", 19), ("622845", 19), ("621700", 19), ("622700", 19), ("621799", 19), ("622188", 19),
             ("623059", 19), ("621226", 19), ("622202", 19), ("955880", 19), ("621661", 19), ("622908", 18),
             ("621483", 16), ("622588", 16), ("622262", 19), ("623668", 19), ("436742", 16), ("518710", 16),
             ("622180", 19), ("621098", 19), ("627066", 19), ("603367", 16)]
MOBILE_PREFIXES = ["130", "131", "132", "133", "134", "135", "136", "137", "138", "139", "145", "147", "150", "151",
                   "152", "153", "155", "156", "157", "158", "159", "166", "170", "171", "173", "175", "176", "177",
                   "178", "180", "181", "182", "183", "184", "185", "186", "187", "188", "189", "191", "193",
                   "195", "196", "198", "199"]
MAIL_DOMAINS = ["qq.com", "163.com", "126.com", "sina.com", "foxmail.com", "139.com", "hotmail.com", "yeah.net",
                "sohu.com", "gmail.com", "aliyun.com", "outlook.com"]
# GB/T 2260 province-level codes, and 71/81/82/83 (Taiwan, Hong Kong, Macao, residence permits).
PROVINCES = set("11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62 63 64 65 "
                "71 81 82 83".split())
FULLWIDTH = str.maketrans("0123456789Xx", "０１２３４５６７８９Ｘｘ")


@dataclass(frozen=True)
class Truth:
    kind: str
    value: str


@dataclass
class Piece:
    """Text with the personal values planted in it."""

    text: str
    truth: list[Truth] = field(default_factory=list)

    def __add__(self, other: Piece | str) -> Piece:
        if isinstance(other, str):
            return Piece(self.text + other, list(self.truth))
        return Piece(self.text + other.text, self.truth + other.truth)

    def __radd__(self, other: str) -> Piece:
        return Piece(other + self.text, list(self.truth))


def join(parts: list[Piece | str], sep: str = "") -> Piece:
    out = Piece("")
    for i, part in enumerate(parts):
        out = out + (sep if i else "") + part
    return out


@dataclass
class Table:
    header: list[str]
    rows: list[list[Piece]]
    title: str = ""


@dataclass
class Content:
    title: str
    paragraphs: list[Piece]
    tables: list[Table] = field(default_factory=list)
    footer: Piece | None = None
    comments: list[Piece] = field(default_factory=list)
    hidden: Table | None = None  # a worksheet hidden in the .xlsx (and kept in other renderings)


@dataclass
class Doc:
    name: str
    data: bytes
    truth: Counter


class Planter:
    """Personal values in the forms people type them, and the hard negatives around them."""

    def __init__(self, rng: random.Random):
        self.rng = rng

    def name(self) -> str:
        return self.rng.choice(SURNAMES) + self.rng.choice(GIVEN)

    # -- ID numbers --
    def id_value(self, born_after: int = 1935) -> str:
        rng = self.rng
        region = rng.choice(REGIONS)
        year = rng.randint(born_after, 2012)
        month, day = rng.randint(1, 12), rng.randint(1, 28 if rng.random() < 0.9 else 30 if rng.random() < 0.5 else 31)
        if month == 2 and day > 28:
            day = 28
        if day == 31 and month in (4, 6, 9, 11):
            day = 30
        first17 = f"{region}{year}{month:02d}{day:02d}{rng.randint(0, 999):03d}"
        return first17 + gb11643_check(first17)

    def id_card(self) -> Piece:
        rng = self.rng
        roll = rng.random()
        if roll < 0.06:  # first-generation, 15 digits (YYMMDD)
            value = f"{rng.choice(REGIONS)}{rng.randint(30, 84):02d}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{rng.randint(0, 999):03d}"
            return Piece(value, [Truth("id_card", value)])
        value = self.id_value()
        form = rng.random()
        if 0.55 <= form < 0.62:  # an X check character typed in lower case
            while not value.endswith("X"):
                value = self.id_value()
        if roll < 0.14:  # a mistyped check character
            value = value[:17] + rng.choice([c for c in "0123456789X" if c != value[17]])
        truth = [Truth("id_card", value)]
        if form < 0.55:
            text = value
        elif form < 0.62:
            text = value.lower()
        elif form < 0.72:
            text = f"{value[:6]} {value[6:14]} {value[14:]}"
        elif form < 0.78:
            text = f"{value[:6]}-{value[6:14]}-{value[14:]}"
        elif form < 0.84:
            text = " ".join([value[:6], value[6:10], value[10:14], value[14:]])
        elif form < 0.94:
            text = value.translate(FULLWIDTH)
        else:
            text = f"{value[:3]} {value[3:6]} {value[6:10]} {value[10:14]} {value[14:]}"
        return Piece(text, truth)

    # -- mobile numbers --
    def mobile_value(self) -> str:
        return self.rng.choice(MOBILE_PREFIXES) + f"{self.rng.randint(0, 99999999):08d}"

    def mobile(self) -> Piece:
        rng = self.rng
        value = self.mobile_value()
        form = rng.random()
        a, b, c = value[:3], value[3:7], value[7:]
        if form < 0.5:
            text = value
        elif form < 0.58:
            text = f"{a} {b} {c}"
        elif form < 0.65:
            text = f"{a}-{b}-{c}"
        elif form < 0.71:
            text = f"+86 {a} {b} {c}"
        elif form < 0.76:
            text = f"+86-{a}-{b}-{c}"
        elif form < 0.80:
            text = f"+86{value}"
        elif form < 0.84:
            text = f"（+86）{value}"
        elif form < 0.87:
            text = f"0086 {value}"
        elif form < 0.94:
            text = value.translate(FULLWIDTH)
        elif form < 0.97:
            text = f"{a}　{b}　{c}"  # ideographic spaces, as typed with a Chinese input method
        else:
            text = f"{a}{b} {c}"
        return Piece(text, [Truth("mobile", value)])

    # -- bank accounts --
    def card_value(self) -> str:
        prefix, length = self.rng.choice(CARD_BINS)
        body = prefix + "".join(self.rng.choice("0123456789") for _ in range(length - len(prefix) - 1))
        return luhn_complete(body)

    def card(self) -> Piece:
        rng = self.rng
        value = self.card_value()
        form = rng.random()
        if form < 0.6:
            text = value
        elif form < 0.85:
            text = " ".join(value[i:i + 4] for i in range(0, len(value), 4))
        elif form < 0.92:
            text = "-".join(value[i:i + 4] for i in range(0, len(value), 4))
        else:
            text = value.translate(FULLWIDTH)
        return Piece(text, [Truth("bank_card", value)])

    def passbook(self) -> Piece:
        """A passbook or rural-credit account number: fails Luhn, only its label says what it is."""
        rng = self.rng
        while True:
            length = rng.choice([12, 14, 15, 17, 18, 19, 20, 21, 22])
            value = rng.choice(["1", "2", "3", "4", "5", "6", "7", "8"]) + "".join(
                rng.choice("0123456789") for _ in range(length - 1))
            if not luhn_valid(value) and not looks_like_personal_number(value):
                break
        text = value if rng.random() < 0.8 else " ".join(value[i:i + 4] for i in range(0, len(value), 4))
        return Piece(text, [Truth("bank_card", value)])

    # -- e-mail --
    def email(self) -> Piece:
        rng = self.rng
        domain = rng.choice(MAIL_DOMAINS)
        form = rng.random()
        if domain == "qq.com" and form < 0.7:
            local = str(rng.randint(10000, 3999999999))
        elif domain == "139.com" and form < 0.8:
            local = self.mobile_value()
        elif form < 0.3:
            local = rng.choice(PINYIN) + rng.choice(PINYIN_GIVEN)
        elif form < 0.5:
            local = f"{rng.choice(PINYIN)}.{rng.choice(PINYIN_GIVEN)}"
        elif form < 0.7:
            local = f"{rng.choice(PINYIN)}_{rng.choice(PINYIN_GIVEN)}{rng.randint(1, 99)}"
        else:
            local = f"{rng.choice(PINYIN)}{rng.choice(PINYIN_GIVEN)}{rng.randint(1960, 2005)}"
        value = f"{local}@{domain}"
        roll = rng.random()
        if roll < 0.08:
            text = f"{local}@{domain.upper()}"
        elif roll < 0.13:
            text = f"{local}＠{domain}"
        else:
            text = value
        return Piece(text, [Truth("email", value.lower())])

    # -- hard negatives --
    def masked_id(self) -> str:
        v = self.id_value()
        return self.rng.choice([f"{v[:6]}********{v[14:]}", f"{v[:4]}**********{v[14:]}", f"{v[:3]}***********{v[14:]}",
                                f"{v[:6]}********{v[14:]}".replace("*", "＊"), f"{v[:2]}**************{v[16:]}",
                                f"{v[:10]}****{v[14:]}", f"{v[:6]}××××××××{v[14:]}"])

    def masked_mobile(self) -> str:
        v = self.mobile_value()
        return self.rng.choice([f"{v[:3]}****{v[7:]}", f"{v[:3]} **** {v[7:]}", f"{v[:3]}-****-{v[7:]}",
                                f"{v[:7]}****", f"{v[:3]}＊＊＊＊{v[7:]}"])

    def masked_card(self) -> str:
        v = self.card_value()
        return self.rng.choice([f"{v[:4]} **** **** {v[-4:]}", f"{'*' * (len(v) - 4)}{v[-4:]}",
                                f"{v[:6]}*********{v[-4:]}", f"尾号{v[-4:]}"])

    def serial(self, length: int | None = None) -> str:
        """A serial number that is none of the personal kinds (re-drawn if it happens to be one)."""
        rng = self.rng
        while True:
            n = length or rng.choice([16, 18, 18, 19, 19, 20, 22])
            style = rng.random()
            if style < 0.4:
                value = f"2025{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}" + "".join(
                    rng.choice("0123456789") for _ in range(n - 8))
            else:
                value = rng.choice("123456789") + "".join(rng.choice("0123456789") for _ in range(n - 1))
            if not looks_like_personal_number(value):
                return value

    def negative(self) -> str:
        rng = self.rng
        kind = rng.randrange(16)
        if kind == 0:
            return f"统一社会信用代码：{uscc(rng, numeric=rng.random() < 0.4)}"
        if kind == 1:
            return f"身份证号：{self.masked_id()}"
        if kind == 2:
            return f"联系电话：{self.masked_mobile()}"
        if kind == 3:
            return f"{rng.choice(['交易流水号', '流水号', '业务流水号', '凭证号', '受理编号'])}：{self.serial()}"
        if kind == 4:
            return f"{rng.choice(['订单号', '快递单号', '运单号', '工单编号'])}：{self.mobile_value()}"
        if kind == 5:
            return f"文号：{rng.choice(['青政发', '青政办发', '青农发', '青财农'])}〔{rng.randint(2019, 2026)}〕{rng.randint(1, 300)}号"
        if kind == 6:
            return f"索引号：{uscc(rng, numeric=rng.random() < 0.5)}/{rng.randint(2019, 2026)}-{rng.randint(1, 99999):05d}"
        if kind == 7:
            return f"资金总额{rng.randint(1000000, 999999999):,}.{rng.randint(0, 99):02d}元（大写略），其中中央资金{rng.randint(10000000, 99999999)}元"
        if kind == 8:
            return f"{rng.randint(2019, 2026)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d} {rng.randint(8, 17)}:{rng.randint(0, 59):02d}"
        if kind == 9:
            return f"发票代码：0{rng.randint(10000000000, 99999999999)}，发票号码：{rng.randint(10000000, 99999999)}"
        if kind == 10:
            return f"（{rng.randint(2019, 2026)}）湘{rng.randint(1000, 9999)}行初{rng.randint(1, 999)}号"
        if kind == 11:
            return f"ISBN 978-7-{rng.randint(100, 999)}-{rng.randint(10000, 99999)}-{rng.randint(0, 9)}，邮编{rng.choice(['410000', '426100', '100010'])}"
        if kind == 12:
            return f"服务热线：400-{rng.randint(100, 999)}-{rng.randint(1000, 9999)}，政务服务便民热线12345"
        if kind == 13:
            return f"银行卡号：{self.masked_card()}"
        if kind == 14:
            return f"项目编号：{self.serial(rng.choice([18, 19]))}"
        return f"合同编号：HT-{rng.randint(2019, 2026)}-{rng.randint(1, 9999999):07d}"


def looks_like_personal_number(value: str) -> bool:
    """Whether a digit string would be a personal number by the standards (so a negative must not be one)."""
    n = len(value)
    if n == 18 and value[:17].isdigit():
        try:
            import datetime as dt

            dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
            if 1900 <= int(value[6:10]) <= 2026 and value[:2] in PROVINCES:
                return True  # a plausible ID, typo or not
        except ValueError:
            pass
    if n == 15:
        try:
            import datetime as dt

            dt.date(1900 + int(value[6:8]), int(value[8:10]), int(value[10:12]))
            return value[:2] in PROVINCES
        except ValueError:
            pass
    if n == 11 and value[0] == "1" and value[1] in "3456789":
        return True
    if 16 <= n <= 19 and luhn_valid(value) and value[:1] in "3456789":
        return True
    return False


# ---- documents ----------------------------------------------------------------------------


def subsidy_list(p: Planter) -> Content:
    rng = p.rng
    town, village = rng.choice(TOWNS), rng.choice(VILLAGES)
    subsidy = rng.choice(["耕地地力保护补贴", "农机购置补贴", "生态公益林补偿", "退耕还林补助", "稻谷目标价格补贴",
                          "城乡居民养老保险待遇", "残疾人两项补贴"])
    account_label = rng.choice(["一卡通账号", "银行账号", "社保卡金融账号", "银行卡号", "惠农一卡通卡号", "存折账号", "账号"])
    headers = rng.choice([
        ["序号", "户主姓名", "身份证号码", account_label, "补贴面积（亩）", "补贴标准（元/亩）", "补贴金额（元）", "备注"],
        ["序号", "姓名", "身份证号", "开户银行", account_label, "发放金额", "联系电话"],
        ["编号", "村组", "户主", "公民身份号码", account_label, "金额（元）"],
    ])
    rows = []
    for i in range(rng.randint(6, 22)):
        row: list[Piece] = []
        for h in headers:
            if h in ("序号", "编号"):
                row.append(Piece(str(i + 1)))
            elif h in ("户主姓名", "姓名", "户主"):
                row.append(Piece(p.name()))
            elif "身份" in h:
                row.append(Piece(p.masked_id()) if rng.random() < 0.08 else p.id_card())
            elif h == account_label:
                if rng.random() < 0.06:
                    row.append(Piece(p.masked_card()))
                elif "存折" in h or rng.random() < 0.25:
                    row.append(p.passbook())
                else:
                    row.append(p.card())
            elif h == "开户银行":
                row.append(Piece(rng.choice(BANKS)))
            elif h == "联系电话":
                row.append(Piece(p.masked_mobile()) if rng.random() < 0.1 else p.mobile())
            elif h == "村组":
                row.append(Piece(f"{village}{rng.randint(1, 12)}组"))
            elif "面积" in h:
                row.append(Piece(f"{rng.randint(1, 300) / 10:.1f}"))
            elif "标准" in h:
                row.append(Piece("105.37"))
            elif "金额" in h:
                row.append(Piece(f"{rng.randint(80, 9000)}.{rng.randint(0, 99):02d}"))
            else:
                row.append(Piece(""))
        rows.append(row)
    total = f"合计：{len(rows)}户，金额{rng.randint(10000, 900000)}.{rng.randint(0, 99):02d}元"
    intro = Piece(f"根据{COUNTY}财政局、农业农村局《关于下达2025年{subsidy}资金的通知》（青财农〔2025〕{rng.randint(1, 80)}号），"
                  f"现将{town}{village}{subsidy}发放情况公示如下，公示期为2025年{rng.randint(1, 12)}月{rng.randint(1, 20)}日至"
                  f"{rng.randint(21, 28)}日（7个工作日）。")
    contact = join(["监督电话：0731-8", str(rng.randint(1000000, 9999999)), "，联系人：", p.name(), "，手机：", p.mobile()])
    extra = [Piece(p.negative()) for _ in range(rng.randint(1, 3))]
    comments = [join(["该户账号已变更，新账号：", p.card()])] if rng.random() < 0.5 else []
    hidden = None
    if rng.random() < 0.5:
        hidden = Table(["姓名", "身份证号", "手机号码", "备注"],
                       [[Piece(p.name()), p.id_card(), p.mobile(), Piece("原始底册，未脱敏")] for _ in range(rng.randint(2, 6))],
                       "底册")
    return Content(f"{town}{village}2025年{subsidy}发放花名册", [intro, *extra, Piece(total)],
                   [Table(headers, rows)], contact, comments, hidden)


def dibao_list(p: Planter) -> Content:
    rng = p.rng
    town = rng.choice(TOWNS)
    headers = ["序号", "乡镇", "村（社区）", "户主姓名", "保障人数", "月保障金额（元）", "身份证号", "存折账号"]
    rows = []
    for i in range(rng.randint(5, 18)):
        rows.append([Piece(str(i + 1)), Piece(town), Piece(rng.choice(VILLAGES)), Piece(p.name()),
                     Piece(str(rng.randint(1, 6))), Piece(str(rng.randint(300, 2400))),
                     Piece(p.masked_id()) if rng.random() < 0.3 else p.id_card(), p.passbook()])
    intro = Piece(f"根据《社会救助暂行办法》和《{COUNTY}最低生活保障工作实施细则》，经户主申请、村（居）民委员会调查、"
                  f"乡镇人民政府审核，现将{town}2025年第{rng.randint(1, 4)}季度城乡低保对象名单公示如下。")
    return Content(f"{town}2025年城乡最低生活保障对象公示名单", [intro, Piece(p.negative())],
                   [Table(headers, rows)], Piece(f"举报电话：0731-8{rng.randint(1000000, 9999999)}"))


def penalty_decision(p: Planter) -> Content:
    rng = p.rng
    person = p.name()
    paragraphs = [
        Piece(f"青市监处罚〔2025〕{rng.randint(1, 400)}号"),
        join(["当事人：", person, "，性别：", rng.choice(["男", "女"]), "，身份证号码：", p.id_card(), "，住所：",
              f"{COUNTY}{rng.choice(TOWNS)}{rng.choice(VILLAGES)}{rng.randint(1, 12)}组{rng.randint(1, 80)}号",
              "，联系电话：", p.mobile(), "。"]),
        Piece(f"经营者名称：{COUNTY}{person[0]}记农资经营部，统一社会信用代码：{uscc(rng, numeric=rng.random() < 0.3)}。"),
        Piece(f"{COUNTY}市场监督管理局于2025年{rng.randint(1, 12)}月{rng.randint(1, 28)}日对当事人经营场所进行检查，"
              f"发现当事人销售的农药标签不符合规定，货值金额{rng.randint(1000, 99999)}.00元，违法所得{rng.randint(100, 9999)}.00元。"),
        Piece("上述事实有现场检查笔录、询问笔录、进货单据等证据证实。当事人的行为违反了《农药管理条例》第四十五条的规定。"),
        Piece(f"依据《农药管理条例》第五十六条，决定：没收违法所得，并处罚款{rng.randint(5000, 50000)}元。"),
        Piece(f"当事人应自收到本决定书之日起十五日内缴纳罚款。{p.negative()}。"),
    ]
    if rng.random() < 0.4:
        paragraphs.insert(2, join(["委托代理人：", p.name(), "，身份证：", p.id_card(), "，手机", p.mobile()]))
    return Content("行政处罚决定书", paragraphs)


def request_reply(p: Planter) -> Content:
    rng = p.rng
    applicant = p.name()
    paragraphs = [
        Piece(f"青政公开〔2025〕{rng.randint(1, 200)}号"),
        Piece(f"{applicant}："),
        join([f"本机关于2025年{rng.randint(1, 12)}月{rng.randint(1, 28)}日收到您通过{rng.choice(['信函', '网络平台', '当面'])}"
              f"提交的政府信息公开申请（登记号：{p.serial(rng.choice([16, 18, 20]))}），申请公开“", rng.choice([
                  "2024年度耕地地力保护补贴发放明细", "某项目征收补偿方案", "本村低保评审会议记录"]), "”。"]),
        Piece(rng.choice(["经审查，您申请的信息属于公开范围，现予以提供。",
                          "经审查，您申请公开的信息涉及第三方个人隐私，根据《中华人民共和国政府信息公开条例》第十五条，决定不予公开。",
                          "经检索，本机关未制作或获取该信息。"])),
        Piece("如对本答复不服，可以自收到本答复之日起60日内向县人民政府申请行政复议，或者在6个月内向人民法院提起行政诉讼。"),
        join(["申请人信息：", applicant, "，证件号码：", p.id_card(), "，联系电话：", p.mobile(), "，电子邮箱：", p.email(),
              "，通讯地址：", f"{rng.choice(TOWNS)}{rng.choice(VILLAGES)}{rng.randint(1, 9)}组"]),
        Piece(f"{COUNTY}人民政府办公室（印章）  2025年{rng.randint(1, 12)}月{rng.randint(1, 28)}日"),
    ]
    return Content("政府信息公开申请答复书", paragraphs)


def policy_document(p: Planter) -> Content:
    rng = p.rng
    paragraphs = [
        Piece(f"索引号：{uscc(rng)}/2025-{rng.randint(1, 99999):05d}    发文字号：青政办发〔2025〕{rng.randint(1, 90)}号"),
        Piece("各乡镇人民政府（街道办事处），县直各单位："),
        Piece(f"为进一步规范惠民惠农财政补贴资金“一卡通”管理，现就有关事项通知如下。全县共发放补贴资金{rng.randint(10000, 99999)}万元，"
              f"惠及群众{rng.randint(10000, 99999)}户，资金拨付时间为2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}。"),
        Piece("一、严格落实公示制度。补贴对象、标准和金额应当在村务公开栏公示，公示时须对身份证号码、银行账号等个人信息进行脱敏处理。"),
        Piece(f"二、加强资金监管。{p.negative()}；{p.negative()}。"),
        Piece(f"三、本通知自2025年{rng.randint(1, 12)}月1日起施行。"),
    ]
    if rng.random() < 0.5:
        paragraphs.append(join(["联系单位：县财政局农业农村股，电话：0731-8", str(rng.randint(1000000, 9999999)), "，邮箱：", p.email()]))
    return Content(f"{COUNTY}人民政府办公室关于进一步加强惠民惠农财政补贴资金“一卡通”管理的通知", paragraphs)


def work_bulletin(p: Planter) -> Content:
    rng = p.rng
    paragraphs = [Piece(f"第{rng.randint(1, 60)}期    {COUNTY}政务公开工作领导小组办公室    2025年{rng.randint(1, 12)}月{rng.randint(1, 28)}日")]
    for _ in range(rng.randint(3, 6)):
        paragraphs.append(Piece(rng.choice([
            f"本月全县共主动公开政府信息{rng.randint(100, 2000)}条，办理依申请公开{rng.randint(1, 40)}件，按时办结率100%。",
            f"{rng.choice(TOWNS)}对{rng.randint(2, 30)}个村的公开栏进行了规范化改造，投入资金{rng.randint(10000, 99999)}.00元。",
            f"督查发现部分单位公示名单未脱敏，如某村公示栏中身份证号显示为{p.masked_id()}的情况已整改。",
            f"本期抽查政务服务事项{rng.randint(10, 99)}项，{p.negative()}。",
        ])))
    if rng.random() < 0.6:
        paragraphs.append(join(["（信息员：", p.name(), "，", rng.choice(["手机", "联系电话", "电话", "Tel:"]), p.mobile(), "）"]))
    if rng.random() < 0.3:
        paragraphs.append(join(["来稿请发送至", p.email(), "或", p.email()], ""))
    return Content("政务公开工作简报", paragraphs)


TEMPLATES = [subsidy_list, subsidy_list, dibao_list, penalty_decision, request_reply, policy_document, work_bulletin]


# ---- renderers ----------------------------------------------------------------------------


def _pieces(content: Content, *, tables_only: bool = False, include_comments: bool = False) -> list[Piece]:
    """The pieces a flat rendering shows, in order (used to collect truth)."""
    out: list[Piece] = []
    if not tables_only:
        out.append(Piece(content.title))
        out.extend(content.paragraphs)
    for table in content.tables + ([content.hidden] if content.hidden else []):
        for row in table.rows:
            out.extend(row)
    if content.footer is not None and not tables_only:
        out.append(content.footer)
    if include_comments:
        out.extend(content.comments)
    return out


def _truth(pieces: list[Piece]) -> Counter:
    return Counter(t for piece in pieces for t in piece.truth)


def _flat_lines(content: Content, rng: random.Random, delimiter: str) -> list[str]:
    lines = [content.title, ""]
    lines.extend(p.text for p in content.paragraphs)
    for table in content.tables + ([content.hidden] if content.hidden else []):
        lines.append("")
        if table.title:
            lines.append(table.title)
        lines.append(delimiter.join(table.header))
        for row in table.rows:
            lines.append(delimiter.join(cell.text for cell in row))
    if content.footer is not None:
        lines.append(content.footer.text)
    return lines


def render_txt(content: Content, rng: random.Random) -> tuple[str, bytes, Counter]:
    delimiter = rng.choice(["\t", "  ", " | "])
    text = "\n".join(_flat_lines(content, rng, delimiter)) + "\n"
    if rng.random() < 0.3:
        text = text.replace("\n", "\r\n")
    encoding = rng.choice(["utf-8", "utf-8-sig", "gbk", "gb18030"])
    return "txt", text.encode(encoding), _truth(_pieces(content))


def render_csv(content: Content, rng: random.Random) -> tuple[str, bytes, Counter]:
    import csv

    table = content.tables[0] if content.tables else Table(["内容"], [[p] for p in content.paragraphs])
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n" if rng.random() < 0.5 else "\n")
    writer.writerow(table.header)
    for row in table.rows:
        writer.writerow([cell.text for cell in row])
    encoding = rng.choice(["utf-8-sig", "gbk", "utf-8"])
    pieces = [cell for row in table.rows for cell in row]
    return "csv", buffer.getvalue().encode(encoding), _truth(pieces)


def render_html(content: Content, rng: random.Random) -> tuple[str, bytes, Counter]:
    from html import escape

    parts = ["<!DOCTYPE html>", '<html lang="zh-CN"><head><meta charset="utf-8">', f"<title>{escape(content.title)}</title>",
             "</head><body>", f"<h1>{escape(content.title)}</h1>"]
    for p in content.paragraphs:
        parts.append(f"<p>{escape(p.text)}</p>")
    for table in content.tables + ([content.hidden] if content.hidden else []):
        parts.append('<table border="1"><thead><tr>' + "".join(f"<th>{escape(h)}</th>" for h in table.header)
                     + "</tr></thead><tbody>")
        for row in table.rows:
            parts.append("<tr>" + "".join(f"<td>{escape(c.text)}</td>" for c in row) + "</tr>")
        parts.append("</tbody></table>")
    if content.footer is not None:
        parts.append(f'<div class="footer">{escape(content.footer.text)}</div>')
    parts.append("</body></html>")
    return "html", "\n".join(parts).encode("utf-8"), _truth(_pieces(content))


def _add_runs(paragraph, text: str, rng: random.Random) -> None:
    """Split a paragraph into runs at random places, as Word does after edits and spell checks."""
    cuts = sorted(rng.sample(range(1, len(text)), min(len(text) - 1, rng.randint(0, 3)))) if len(text) > 1 else []
    last = 0
    for cut in [*cuts, len(text)]:
        run = paragraph.add_run(text[last:cut])
        if rng.random() < 0.2:
            run.bold = True
        last = cut


def render_docx(content: Content, rng: random.Random) -> tuple[str, bytes, Counter]:
    import docx
    from docx.table import _Cell

    document = docx.Document()
    document.add_heading(content.title, level=1)
    first_runs = None
    for p in content.paragraphs:
        paragraph = document.add_paragraph()
        _add_runs(paragraph, p.text, rng)
        first_runs = first_runs or paragraph.runs
    for table_data in content.tables + ([content.hidden] if content.hidden else []):
        table = document.add_table(rows=1, cols=len(table_data.header))
        table.style = "Table Grid"
        for j, h in enumerate(table_data.header):
            table.cell(0, j).text = h
        for row in table_data.rows:
            tr = table.add_row()._tr  # cells straight from the row: table.cell() rescans the table
            for tc, cell in zip(tr.tc_lst, row, strict=True):
                _add_runs(_Cell(tc, table).paragraphs[0], cell.text, rng)
    pieces = _pieces(content)
    if content.footer is not None:
        pieces = [x for x in pieces if x is not content.footer]
        target = document.sections[0].footer if rng.random() < 0.5 else document.sections[0].header
        target.paragraphs[0].text = content.footer.text
        pieces.append(content.footer)
    if content.comments and first_runs:
        for comment in content.comments:
            document.add_comment(first_runs, text=comment.text, author="审核人")
            pieces.append(comment)
    buffer = io.BytesIO()
    document.save(buffer)
    return "docx", buffer.getvalue(), _truth(pieces)


def render_xlsx(content: Content, rng: random.Random) -> tuple[str, bytes, Counter]:
    import openpyxl
    from openpyxl.comments import Comment

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "公示名单"
    sheet.append([content.title])
    pieces: list[Piece] = [Piece(content.title)]
    tables = content.tables or [Table(["内容"], [[p] for p in content.paragraphs])]
    for table in tables:
        sheet.append(table.header)
        for row in table.rows:
            values = []
            for cell in row:
                text = cell.text
                # Mobile numbers typed into a General cell become numbers.
                if cell.truth and cell.truth[0].kind == "mobile" and text.isdigit() and rng.random() < 0.5:
                    values.append(int(text))
                else:
                    values.append(text)
            sheet.append(values)
            pieces.extend(row)
    if rng.random() < 0.3 and sheet.max_row > 4:
        sheet.row_dimensions[4].hidden = True
    if rng.random() < 0.3:
        sheet.column_dimensions["C"].hidden = True
    if content.footer is not None:
        sheet.append([content.footer.text])
        pieces.append(content.footer)
    for comment in content.comments:
        sheet.cell(row=2, column=1).comment = Comment(comment.text, "审核人")
        pieces.append(comment)
    if content.hidden is not None:
        hidden = workbook.create_sheet(content.hidden.title or "底册")
        hidden.sheet_state = rng.choice(["hidden", "veryHidden"])
        hidden.append(content.hidden.header)
        for row in content.hidden.rows:
            hidden.append([cell.text for cell in row])
            pieces.extend(row)
    if content.tables and content.paragraphs:
        notes = workbook.create_sheet("说明")
        for p in content.paragraphs:
            notes.append([p.text])
            pieces.append(p)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return "xlsx", buffer.getvalue(), _truth(pieces)


def pdf_bytes(lines: list[str]) -> bytes:
    """A PDF with a text layer: one page per 50 lines, a Type0 font with Identity-H encoding and a
    ToUnicode map, so any reader (and pypdf) gets the Chinese text back."""
    highs = sorted({ord(c) >> 8 for line in lines for c in line if ord(c) < 0x10000})  # CID = code point
    ranges = "\n".join(f"<{h:02X}00> <{h:02X}FF> <{h:02X}00>" for h in highs)
    cmap = ("/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CIDSystemInfo << /Registry (Adobe) "
            "/Ordering (UCS) /Supplement 0 >> def /CMapName /Adobe-Identity-UCS def /CMapType 2 def "
            "1 begincodespacerange <0000> <FFFF> endcodespacerange\n"
            f"{len(highs)} beginbfrange\n{ranges}\nendbfrange endcmap CMapName currentdict /CMap defineresource pop end end"
            ).encode()
    pages = [lines[i:i + 50] for i in range(0, max(len(lines), 1), 50)]
    objects: list[bytes] = [b"", b""]  # 1 catalog, 2 pages: filled in below
    font_id, cmap_id = 3, 4
    objects.append(b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /Identity-H "
                   b"/DescendantFonts [5 0 R] /ToUnicode 4 0 R >>")
    objects.append(b"<< /Length %d >>\nstream\n" % len(cmap) + cmap + b"\nendstream")
    objects.append(b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /STSong-Light /CIDSystemInfo << /Registry "
                   b"(Adobe) /Ordering (Identity) /Supplement 0 >> /DW 1000 >>")
    kids = []
    for page_lines in pages:
        ops = ["BT", "/F1 9 Tf", "14 TL", "36 806 Td"]
        for line in page_lines:
            hexs = "".join(f"{ord(c):04X}" for c in line if ord(c) < 0x10000)
            ops.append(f"<{hexs}> Tj T*")
        ops.append("ET")
        stream = zlib.compress("\n".join(ops).encode())
        objects.append(b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream")
        content_id = len(objects)
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents %d 0 R "
                       b"/Resources << /Font << /F1 %d 0 R >> >> >>" % (content_id, font_id))
        kids.append(len(objects))
    objects[0] = b"<< /Type /Catalog /Pages 2 0 R >>"
    objects[1] = b"<< /Type /Pages /Kids [" + b" ".join(b"%d 0 R" % k for k in kids) + b"] /Count %d >>" % len(kids)
    del cmap_id
    out, offsets = io.BytesIO(), []
    out.write(b"%PDF-1.4\n")
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def render_pdf(content: Content, rng: random.Random) -> tuple[str, bytes, Counter]:
    return "pdf", pdf_bytes(_flat_lines(content, rng, "  ")), _truth(_pieces(content))


RENDERERS = [render_txt, render_txt, render_csv, render_html, render_docx, render_docx, render_xlsx, render_xlsx,
             render_pdf]


def generate(count: int = 360, seed: int = 20261128) -> list[Doc]:
    rng = random.Random(seed)
    planter = Planter(rng)
    docs = []
    for i in range(count):
        content = TEMPLATES[i % len(TEMPLATES)](planter)
        renderer = RENDERERS[(i // len(TEMPLATES) + i) % len(RENDERERS)]
        suffix, data, truth = renderer(content, rng)
        docs.append(Doc(f"doc{i:03d}.{suffix}", data, truth))
    return docs


def normalise(kind: str, text: str) -> str:
    """The value of a finding's text, comparable with Truth.value."""
    if kind == "email":
        return text.replace("＠", "@").lower()
    digits = "".join(ch for ch in text.translate(str.maketrans("０１２３４５６７８９ｘＸx", "0123456789XXX"))
                     if ch.isdigit() or ch == "X")
    if kind == "mobile" and len(digits) > 11:
        digits = digits[-11:]
    return digits
