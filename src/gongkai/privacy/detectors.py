"""Detectors of personal data and classification markings in text. Pure: no Django imports.

Public API::

    scan_text(text, *, config=None) -> list[Finding]
    Detector(config).scan(text, ...)         # the same, with table labels and state across chunks

How numbers are found (tech notes §5): one stdlib ``re`` pass finds *digit runs* — 10 or more
characters of digits (ASCII or full-width ０-９), spaces and hyphens, starting and ending with a digit
(plus an optional trailing X). A second pass, one pattern whose alternatives all start with a
literal character, finds the triggers of the other kinds (@, 电话, 秘密★, 村3组 …). Everything else
is decided in Python on those few matches only:

- a run without separators is one candidate; a run typed with spaces or hyphens is first read as a
  whole (``430 102 1948 1115 1513`` is one ID, not a "mobile" in its middle), else split into its
  groups and consecutive groups are tried as one number, checksum-backed readings first, so
  ``138 1234 5678`` is found while two numbers side by side stay two; two or more spaces part the
  cells of a text table, unless the whole run is short groups with the same two-space gap
  (``6216  6192  6217  7052``); em, en, thin and no-break spaces count as spaces;
- the characters around a run veto it: a mask character (``4301021990****1234``), a decimal point
  or a currency or amount unit (``12345678901元``), an e-mail's @, a code's capital letters;
- the text around a run decides what it cannot say itself: the nearest label just before it on its
  line, else the header of its table column (spreadsheet and Word columns given by the caller; CSV,
  tab-, ``|``- and space-aligned text tables found by their header line), but only when the number
  fills its cell; a label that ends the line above speaks for a number that starts its line
  (档案编号：⏎185…); the label before the first item of a list speaks for every item (身份证号：A、B、C;
  银行卡 A 和 B). A label says *account* (银行卡, 一卡通账号, 信用卡, 借记卡, card no., account no.),
  *serial* (流水号, 订单号, 代码), *ID* (身份证号, 社会保障号码, ID no.), *phone* (电话, 手机, tel, mobile),
  *social-security card* (社保卡号: an ID-shaped number is the holder's ID, another one the card's
  bank account) or *figure* (金额, 合计, 资金, 数量, 日期 …: as a column header or row label, or right
  before the number, it vetoes every reading, checksum-valid ones too). A number typed into a
  spreadsheet cell (not text) is a phone, ID or account only under such a row or column label.
- PDF pages (``page=True``): with the page's ``layout`` (``pdf_layout``: where each piece of text
  stands), a number a narrow cell wrapped onto the next line is one number whatever its kind (a
  passbook account, a mobile), a number in a table row is labelled by its column header, and the
  cells of a row are never read as one number; without positions, or where they do not say, a
  number cut by a line end is joined when the whole passes a checksum, is a mobile typed in its
  3-4-4 groups or follows a phone or ID label, and a long number as typed under a table header
  line with an account column (序号 姓名 身份证号 存折账号 …) is reported as an account (0.6).

Kinds and rules:

- ``id_card``: 18 digits (last may be X/x) with a GB/T 2260 province code, a real birth date and the
  GB 11643-1999 MOD 11-2 check character (confidence 0.99). With a wrong check character it is still
  reported as a likely typo (0.6) unless a label says it is a serial. 15-digit first-generation
  numbers (province code, 19YYMMDD) are reported at 0.8.
- ``mobile``: 11 digits 1[3-9]…, optionally after +86 / 86 / 0086 (0.95; 0.75 for prefixes MIIT has
  not allocated). Not when a label says order number, serial, etc.
- ``bank_card``: 16–19 digits passing Luhn (ISO/IEC 7812) with a card prefix (62, 60, 95) (0.85), or
  12–19 digits passing Luhn under a card or account label — Visa, Mastercard, Amex (15 digits, typed
  4-6-5) included (0.98); any 10–30-digit number whose label or column says it is an account
  (银行账号, 卡号, 账号, 一卡通账号, 存折号 …) even without Luhn — passbooks do not pass it (0.75).
- ``email``, ``landline`` (area code + local number, or a local number after 电话/座机; an allow-list of
  published office numbers passes), ``address`` (a home address below village level: 村3组, 3栋2单元
  501室, or road + 号 after 住址/家住), ``classified_marking`` (秘密★1年, 机密★, 绝密 on a line of its own,
  内部资料, and 注意保存 / 不予公开 as stamps), ``sensitive_word`` (the administrator's list).

Never reported: masked values (430102********1234, 138****5678), unified social credit codes
(GB 32100; an all-digit one that is also a valid ID number is reported at 0.6 for review unless a
label decides), 文号 and 索引号, amounts (digits with a decimal point or a unit, numbers in a figure
column or row), dates, and numbers that fail the
structure checks — 18/19-digit serials that are not IDs, order numbers under an order-number label.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import operator
import re
from collections.abc import Callable

from gongkai.privacy import checksums
from gongkai.privacy.config import DEFAULT_CONFIG, PrivacyConfig
from gongkai.privacy.findings import Finding, Kind
from gongkai.privacy.mask_rules import mask_value
from gongkai.rules.identifiers import is_valid_uscc

_D = "0-9\uff10-\uff19"
# Spaces (the no-break, em/en/thin spaces of Word and PDF text layers too) and hyphens.
_SPACE = " \u00a0\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
_SEP = _SPACE + "\\-\u2010\u2011\u2013\u2014\uff0d"
# One character class repeated (sre's fast single-character loop), ending on a digit; runs of
# three or more separators and runs of fewer than 10 digits are dropped in Python.
_RUN = re.compile(f"[{_D}][{_D}{_SEP}]{{8,}}[{_D}][XxＸｘ]?")
# Two spaces part the cells of a text table; three separators of any kind end a number too.
_SEP_BREAK = re.compile(f"[{_SPACE}]{{2,}}|[{_SEP}]{{3,}}")
_GROUP = re.compile(f"[{_D}]+")
# Where a PDF text layer may have cut a number: a line break, or a wide gap (page mode only).
_WRAP_POINT = re.compile(f"[{_D}](?:[-－]?[{_SPACE}]*\n[{_SPACE}]*|[{_SPACE}]{{2,}})(?=[{_D}]|[XxＸｘ](?![A-Za-z0-9]))")
_FOLD = str.maketrans("０１２３４５６７８９ｘＸx", "0123456789XXX")
_X = frozenset("XxＸｘ")
_MASK_CHARS = frozenset("*＊×✱●○■□#＃")
_PLUS = frozenset("+＋")
_PREV_STOP = _MASK_CHARS | frozenset("@0123456789０１２３４５６７８９￥¥$＄")
# After a number: masks, an e-mail's @, a code's capitals, and the units of amounts.
_NEXT_STOP = _MASK_CHARS | frozenset("@＠%％ABCDEFGHIJKLMNOPQRSTUVWXYZ元万亿")
_ASCII_LETTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
_DIGIT_CHARS = frozenset("0123456789０１２３４５６７８９")
_SEPARATORS = frozenset(_SEP.replace("\\", ""))
_PREV_CHECK = _PREV_STOP | _ASCII_LETTERS | frozenset(".．")
_NEXT_CHECK = _NEXT_STOP | frozenset(".．")
_SEP_CHARS = "".join(_SEPARATORS)
# The characters of an item of a list of numbers (身份证号：A、B、C), masked items included.
_ITEM_STR = "0123456789０１２３４５６７８９XxＸｘ" + _SEP_CHARS + "".join(_MASK_CHARS)
_NOT_DIGITS = str.maketrans("", "", _SEP_CHARS + "XxＸｘ")
# Latin words that may stand right before a number without making it part of a code.
_LATIN_LABELS = frozenset({"id", "no", "tel", "phone", "mobile", "mob", "cell", "card", "acct", "account",
                           "qq", "wx", "fax", "call", "num", "number", "m", "t", "p", "h"})

# Labels that say what a number is, looked for just before it on its line or in its column header.
# An account (bank card, passbook, 信用卡/贷记卡/借记卡: every card number is an account number).
_POS_WORDS = (r"银行卡|银行账|银行帐|卡号|账号|帐号|账户|帐户|存折|折号|一卡通|开户|收款|代发|信用卡|贷记卡|借记卡|储蓄卡"
              r"|银联卡|工资卡|结算卡|Credit card|Credit Card|credit card|CREDIT CARD|Card|card|CARD|Account|account"
              r"|ACCOUNT|Acct|acct|A/C")
# A serial, code or reference: never a person's number.
_NEG_WORDS = (r"流水|订单|单号|编号|序号|序列号|批次|批号|凭证号|合同号|发票|案号|条码|条形码|运单|登记号|许可证号"
              r"|代码|交易号|业务号|受理号|申请号|查询码|查询号|档案号|注册号|识别号|税号|文号|索引号|型号|客户号|会员号"
              r"|报告号|标段|邮编|邮政编码|工单|批准号|备案号|车架|发动机|IMEI|SN|票据|编码|追溯码|溯源码|防伪码"
              r"|验证码|识别码|批次号|条目号|参考号|商户号|终端号|授权码|检索号|回执号|Order|order|Serial|serial"
              r"|Invoice|invoice|Tracking|tracking")
# An identity number. 社会保障号码 is by law the citizen's ID number (社会保险法 §58), so 社保号 is one.
# Listed before the shorter words they start with (身份证编号 must not end on the serial word 编号).
_ID_WORDS = (r"身份证编号|身份证|身份号码|公民身份|居民身份|证件编号|证件号|社会保障号|社保号|ID card|ID Card|ID CARD"
             r"|ID No|ID no|ID NO|ID number|ID Number|ID#")  # not a bare ID: 订单ID, 用户ID are serials
# A telephone number.
_PHONE_WORDS_LABEL = (r"手机|电话|联系方式|联系号码|座机|固话|传真|Phone|phone|PHONE|Mobile|mobile|MOBILE|Tel|tel|TEL"
                      r"|Cell|cell|Fax|fax")
# A social-security card (社会保障卡): its "number" is in practice either the holder's ID number (the
# 社会保障号码 printed on it) or the card's bank account (third-generation cards are UnionPay debit
# cards, and subsidies are paid into them); its own 9-character card code (a letter and 8 digits) is
# not a digit run. So the number's structure decides between the two; neither is a serial.
_SSC_WORDS = r"社保卡|社会保障卡|医保卡"
# A figure: an amount, a quantity, a date. A number in such a column or row is never a person's.
_FIG_WORDS = (r"金额|资金|合计|总计|小计|共计|数量|数额|余额|面积|人数|户数|人口|日期|时间|年度|年份|单价|价格|总价|费用"
              r"|收入|支出|预算|决算|标准|产量|产值|销售额|营业额|利润|税额|年龄|次数|人次|笔数|（元|(元|万元|亿元"
              r"|Amount|amount|AMOUNT|Total|total|TOTAL|Qty|qty|Quantity|quantity|Date|DATE|Sum|Price|price")  # not date: update, candidate
# No group may open an alternative: sre then skips ahead by the set of first characters. Longer
# words come before the words they start with (the first alternative that matches at a position wins).


def _literal_trie(words: list[str]) -> str:
    """An alternation of literal ``words`` factored by first character (金(?:额)|人(?:数|口|次)…):
    sre tries the branches of an alternation one by one at every position whose character starts
    one of them, and 人, 年, 日, 数 are common in any Chinese text. Order is kept within a first
    character, so the first listed word that matches still wins."""
    groups: dict[str, list[str]] = {}
    for w in words:
        groups.setdefault(w[0], []).append(w[1:])
    out = []
    for first, rests in groups.items():
        if len(rests) == 1:
            out.append(re.escape(first + rests[0]))
        else:
            out.append(re.escape(first) + "(?:" + "|".join(re.escape(r) for r in rests) + ")")
    return "|".join(out)


# On a line, a figure word speaks only right before its number (``_FIG_END``: 金额（元）：…, 合计⇥…;
# 人口, 时间, 标准 further back in a sentence speak of something else), so the search for the nearest
# label leaves figure words out; a table's header cell and a PDF cell are classified with every
# word (``_CELL_LABEL``).
_FIG_GAP_CHARS = " \t\u3000\u00a0：:（）()[]【】元万亿/¥￥$＄"
_FIG_GAP_CLASS = "[" + re.escape(_FIG_GAP_CHARS) + "]"
_LABEL = re.compile(_literal_trie([w for words in (_ID_WORDS, _SSC_WORDS, _POS_WORDS, _NEG_WORDS, _PHONE_WORDS_LABEL)
                                   for w in words.split("|")]))
_CELL_LABEL = re.compile(_literal_trie([w for words in (_ID_WORDS, _SSC_WORDS, _POS_WORDS, _NEG_WORDS,
                                                        _PHONE_WORDS_LABEL, _FIG_WORDS) for w in words.split("|")]))
_POS, _NEG, _NONE, _IDL, _PHONE, _SSC, _FIG = 1, -1, 0, 2, 3, 4, 5
_LABEL_KIND = {}
for _words, _kind in ((_FIG_WORDS, _FIG), (_PHONE_WORDS_LABEL, _PHONE), (_NEG_WORDS, _NEG), (_POS_WORDS, _POS),
                      (_SSC_WORDS, _SSC), (_ID_WORDS, _IDL)):
    _LABEL_KIND.update(dict.fromkeys(_words.split("|"), _kind))
# Labels that say the number is a person's (phone, ID, account): a typed number in a spreadsheet is
# one only under such a label; labels that say nothing about accounts or serials.
_PERSONAL = frozenset({_POS, _IDL, _PHONE, _SSC})
_ACCOUNT_LABELS = frozenset({_POS, _SSC})
_NEUTRAL = frozenset({_NONE, _IDL, _PHONE})
_GAP_BREAK = re.compile(f"[{_D}。；;!！?？]")
_LABEL_WINDOW = 24
# What may stand between a figure word and its number (金额（元）：…, 合计⇥⇥…).
_FIG_END = re.compile("(?:" + _literal_trie(_FIG_WORDS.split("|")) + ")" + _FIG_GAP_CLASS + r"*\Z")
_FIG_REACH = 12  # characters before a number looked at for a figure word (补贴金额（元）：)
# What may stand right before a number that a figure word labels: a cheap test before the search.
_FIG_TAIL = frozenset(_FIG_GAP_CHARS) | frozenset(w[-1] for w in _FIG_WORDS.split("|"))
# A list of numbers after one label: its separators, the characters of an item, how many items.
_LIST_SEPS = frozenset("、，/／和及与或")  # not the ASCII comma: it parts the cells of CSV rows
_LIST_ITEMS = 12
_LIST_SPAN = 48  # characters looked at before each item: an item, a separator, spaces
_HEADER_CELL = 20  # a column header is a short label
_RUN_TAIL = re.compile(f"[{_D}{_SEP}XxＸｘ]*")
_ACCOUNT_AFTER = re.compile(r"[ \u3000]?[）)]?(?:账户|帐户|账号|帐号|存折|银行卡|卡号|卡内|卡上|卡中)")
_CELL_PREFIX = 6  # characters a value cell may hold before the number (a quote, a bank name's 行, …)
_STRONG = 0.85  # confidence of checksum-backed readings
# A header line of a delimited table mentions one of these (tabular label look-up).
# 电话, 手机 and 金额 head columns too, but fill sentences (联系电话：…, 发放金额…元): they count only
# when a cell delimiter follows soon. Each alternative starts with a literal (sre skips ahead fast).
_CELL_SOON = r"(?=[^\n：:，。；\d]{0,8}(?:[,\t|]|  |\u3000\u3000|\n|\Z))"
_HEADER_WORD = re.compile(r"账号|帐号|账户|帐户|卡号|存折|折号|一卡通|流水号|订单号|单号|编号|序列号|号码|身份证"
                          rf"|电话{_CELL_SOON}|手机{_CELL_SOON}|金额{_CELL_SOON}")
_DELIMS = ("\t", ",", "|")
_HEADER_SKIP_MIN = 256  # characters between two table rows worth looking for delimiters in (``_header``)
# The header line of a table on a PDF page: column words side by side, one an account column.
_PAGE_COLUMN = re.compile(r"序号|编号|姓名|户主|身份证|证件|性别|金额|电话|手机|联系方式|村|备注|开户|银行|账号|帐号"
                          r"|卡号|存折|折号|一卡通|账户|帐户|人口|面积|日期")
_PAGE_ACCOUNT = re.compile(r"账号|帐号|卡号|存折|折号|一卡通|账户|帐户")
_GAP = re.compile("[ \u3000]{2,}")  # the column gap of a text table aligned with spaces
# A phone label right before a number (手机：１５９０９６１７⏎０７４ in a paragraph that wrapped it).
_PHONE_LABEL_END = re.compile(r"(?:手机|电话|手机号|手机号码|联系方式|[Tt]el|TEL)[：:\s]{0,2}\Z")
_ID_LABEL_END = re.compile(r"(?:身份证|身份证号|身份证号码|公民身份号码|证件号码)[：:\s]{0,2}\Z")

_EMAIL_LOCAL_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._%+-")
_EMAIL_DOMAIN = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9\-]{0,62}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9\-]{0,62}"
                           r"[A-Za-z0-9])?)*\.[A-Za-z]{2,24}(?![A-Za-z0-9\-])")

_PERIOD = r"(?:[ \t]*(?:[0-9０-９一二三四五六七八九十]{1,3}[ \t]*(?:年|个月|月|天|日)|长期))?"
_LINE_END = r"(?=[ \t]*[】\]）)]?[ \t]*(?:\n|\Z))"
_CLASSIFIED_BRANCHES = [
    *(f"{level}[ \t]*[★☆]{_PERIOD}" for level in ("绝密", "机密", "秘密")),
    *(f"{level}{_LINE_END}" for level in ("绝密", "机密", "秘密")),
    "内部资料", "注意保存", "不予公开", "内部文件", "请勿外传",
]
_STAMP_OPEN = frozenset("【[（(〔「『<《")
_STAMP_CLOSE = frozenset("】]）)〕」』>》")

_NUM = r"(?:[0-9０-９]{1,4}|[一二三四五六七八九十]{1,3})"
_UNIT = r"(?:村民小组|组|队|栋|幢|座|号楼|号院|单元|室|号|弄)"
_PLACES = "村组区苑园庄屯寨路街巷弄里道楼院湾坪"
_ADDRESS_MORE = re.compile(r"(?:[-－]?(?:[0-9０-９]{1,5}|[A-Za-z]|[一二三四五六七八九十]{1,3})"
                           r"(?:村民小组|组|队|栋|幢|座|号楼|号院|号|单元|室|层|楼|户|弄))*")
_ADDRESS_BUILDING = re.compile(r"栋|幢|单元|室|号楼|座")
_ADDRESS_NAME_STOP = frozenset("省市县镇乡道州区住")  # a name starts after the level above, or after 住
_ADDRESS_HOME_LABEL = re.compile(r"住址|家住|住所|居住|户籍|现住|家庭地址|联系地址|通讯地址|住在|地址")
_CJK_LO, _CJK_HI = "\u4e00", "\u9fff"

_PHONE_WORDS = ("电话", "座机", "固话", "传真", "联系方式")
_PHONE_NUMBER = re.compile(rf"(?:号码)?[：:\s]{{0,3}}([2-9２-９](?:[ \-－]?[{_D}]){{6,7}})(?![{_D}])")
_PAREN_NUMBER = re.compile(rf"0[1-9１-９][{_D}]{{1,2}}[)）][ \u3000]?[2-9２-９](?:[ \-－]?[{_D}]){{6,7}}(?![{_D}])")

# Everything but digit runs and sensitive words is found by one pass of one pattern whose every
# alternative starts with a literal character, so sre skips ahead with a character set (tech
# notes §5); the first character of a match says which detector it is for.
_TRIGGER = re.compile("|".join([
    "@", "＠", "\\(0", "（0", *_PHONE_WORDS, *_CLASSIFIED_BRANCHES,
    *(f"{place}第?{_NUM}{_UNIT}" for place in _PLACES),
]))
_EMAIL_CHARS = frozenset("@＠")
_PAREN_CHARS = frozenset("(（")
_PHONE_CHARS = frozenset(w[0] for w in _PHONE_WORDS)
_CLASSIFIED_CHARS = frozenset("绝机秘内注不请")
_PLACE_CHARS = frozenset(_PLACES)


class _Labels:
    """Finds the label of a number: on its line just before it, else in its table column header.

    ``state["header"]`` keeps the header of the delimited table seen last, so a long text scanned
    in chunks still knows, in chunk 40, that column 4 is 一卡通账号."""

    def __init__(self, column_label: Callable[[int], str | None] | None, tabular: bool, state: dict,
                 page: bool = False, layout=None):
        self.column_label = column_label
        self.tabular = tabular
        self.state = state
        self.page = page
        self.layout = layout
        self.page_headers: list[tuple[int, bool]] | None = None  # (line start, account column?)
        self.seen_upto = 0  # header lines are searched once, incrementally, in this text
        self.cache: dict[int, int] = {}
        self.cell_labels: dict[str, int] = {}

    @staticmethod
    def classify(label_text: str) -> int:
        last = None
        for last in _CELL_LABEL.finditer(label_text):  # noqa: B007 — the last (nearest) label counts
            pass
        return _NONE if last is None else _LABEL_KIND[last.group()]

    def of(self, text: str, start: int) -> int:
        cached = self.cache.get(start)
        if cached is None:
            cached = self.cache[start] = self._of(text, start)
        return cached

    def _of(self, text: str, start: int) -> int:
        if self.layout is not None:
            # A PDF table row: its column header speaks, not the other cells before it on the line,
            # unless the cell itself says (账号：…).
            cell = self.layout.column(start)
            if cell is not None:
                label = self.classify(cell[0])
                return label if label != _NONE else self.classify(text[cell[1]:start])
        line_start = text.rfind("\n", 0, start) + 1
        label = self._line_label(text, line_start, start)
        if label is None and line_start > 1 and start - line_start <= 4 and not text[line_start:start].strip(_SPACE):
            # 档案编号：⏎18516469894 — the label ends the line above (a wrapped line of a PDF or
            # a form exported one field a line). A figure word there (合计⏎…) is a row of its own.
            above = text[max(0, line_start - 1 - _LABEL_WINDOW):line_start - 1].rstrip(_SPACE + "\t\r：:")
            last = None
            for last in _LABEL.finditer(above):  # noqa: B007 — the nearest counts
                pass
            if last is not None and last.end() == len(above) and _LABEL_KIND[last.group()] != _FIG:
                label = _LABEL_KIND[last.group()]
        if self.column_label is not None:
            header = self.column_label(start)
            if label is None:
                # A column header speaks for a value cell, not for a sentence that fills a cell.
                cell_start = max(line_start, text.rfind("\t", line_start, start) + 1)
                label = self.classify(header) if header and start - cell_start <= _CELL_PREFIX else _NONE
            if label not in _PERSONAL and getattr(header, "numeric", False):
                # A number typed into a spreadsheet cell (not text) is a figure unless its row or
                # column says phone, ID or account: budgets and statistics are numeric cells, and
                # 11- or 18-digit totals are common there; a phone typed as a number sits under 电话.
                return _FIG
            return label
        if label is not None:
            return label
        return self._column(text, line_start, start) if self.tabular else _NONE

    def _column(self, text: str, line_start: int, start: int) -> int:
        """The label of the column header of a delimited or space-aligned text table over the
        value cell at ``start`` (``_NONE`` outside such a table)."""
        for delim in _DELIMS:
            if text.find(delim, line_start, start) >= 0:
                break
        else:
            if text.find("  ", line_start, start) < 0:
                return _NONE
            delim = "  "  # a text table aligned with spaces
        header = self._header(text, line_start, delim) if self.seen_upto < line_start else self.header(delim)
        if not header and delim == "\t":
            # The table's own delimiter, not a tab that Excel users type before long numbers in a
            # CSV cell (",\t6228…" keeps the number as text).
            for other in _DELIMS[1:]:
                if text.find(other, line_start, start) >= 0 and (header := self.header(other)):
                    delim = other
                    break
        if not header:
            return _NONE
        if delim == "  ":
            content = line_start
            while content < start and text[content] in " \u3000":
                content += 1
            gaps = list(_GAP.finditer(text, content, start))
            column, cell_start = len(gaps), gaps[-1].end() if gaps else content
        else:
            column, cell_start = text.count(delim, line_start, start), text.rfind(delim, line_start, start) + 1
        if start - cell_start > _CELL_PREFIX + (2 if delim != "  " else 0):
            return _NONE  # a sentence in a cell, not a value under the column header
        if column >= len(header):
            return _NONE
        cell = header[column]
        label = self.cell_labels.get(cell)
        if label is None:
            label = self.cell_labels[cell] = self.classify(cell)
        return label

    def figure(self, text: str, start: int) -> bool:
        """Whether the number at ``start`` is a figure (amount, quantity, date) by the word right
        before it, its row or its column. Asked of checksum-valid numbers, which need no other
        label, so a text line is looked at only for that (a cheaper question than ``of``)."""
        cached = self.cache.get(start)
        if cached is not None:
            return cached == _FIG
        if self.column_label is not None or self.layout is not None:
            return self.of(text, start) == _FIG
        line_start = text.rfind("\n", 0, start) + 1
        if start > line_start and text[start - 1] in _FIG_TAIL and _FIG_END.search(
                text, max(line_start, start - _FIG_REACH), start):
            return True
        if not self.tabular or not (text.find("\t", line_start, start) >= 0 or text.find(",", line_start, start) >= 0
                                    or text.find("|", line_start, start) >= 0
                                    or text.find("  ", line_start, start) >= 0):
            return False  # a line of prose: no column
        if self.seen_upto < line_start:
            self._header(text, line_start, "\t")  # brings the table header up to this line
        return bool(self.state.get("header_figures")) and self._column(text, line_start, start) == _FIG

    def _line_label(self, text: str, line_start: int, start: int) -> int | None:
        """The label just before ``start`` on its line: a figure word right before the number
        (金额：…, 合计⇥…; further back in a sentence it speaks of something else), else the nearest
        label word with no digit or sentence end between, or the label of a list the number is an
        item of (身份证号：A、B、C; 银行卡 A 和 B). None when there is none."""
        if start == line_start:
            return None
        if text[start - 1] in _FIG_TAIL and _FIG_END.search(text, max(line_start, start - _FIG_REACH), start):
            return _FIG
        search = _LABEL.search
        last = search(text, max(line_start, start - _LABEL_WINDOW), start)
        if last is not None:
            # the nearest label counts; one more search, not a finditer object (usually no second word)
            while (following := search(text, last.end(), start)) is not None:
                last = following
            if _GAP_BREAK.search(text, last.end(), start) is None:
                return _LABEL_KIND[last.group()]
        if text[start - 1] not in _LIST_SEPS and text[start - 1] not in _SPACE:
            return None  # the common case: no list separator right before the number
        return self._listed(text, line_start, start)

    def _listed(self, text: str, line_start: int, start: int) -> int | None:
        """The label before the first item of a list whose later item starts at ``start``: items
        are numbers (as typed, or masked) parted by 、 和 及 与 或 /, or by a comma between numbers of
        about the same length (a comma also ends a clause: 卡号A，13812345678 is no list)."""
        own = None
        p = start
        for _ in range(_LIST_ITEMS):
            lo = max(line_start, p - _LIST_SPAN)
            before = text[lo:p].rstrip(_SPACE)
            if not before or before[-1] not in _LIST_SEPS:
                return None  # the common case: no list separator right before the number
            comma = before[-1] == "，"
            before = before[:-1].rstrip(_SPACE)
            item = before[len(before.rstrip(_ITEM_STR)):].lstrip(_SEP_CHARS)
            digits = len(item.translate(_NOT_DIGITS))
            if digits < 6:
                return None
            if comma:
                if own is None:
                    own = len(text[start:_RUN_TAIL.match(text, start).end()].translate(_NOT_DIGITS))
                if abs(own - digits) > 2:
                    return None
            p = lo + len(before) - len(item)  # the start of the item
            if _FIG_END.search(text, max(line_start, p - _FIG_REACH), p) is not None:
                return _FIG
            first = _LABEL.search(text, max(line_start, p - _LABEL_WINDOW), p)
            if first is not None:
                last = first
                for last in _LABEL.finditer(text, first.end(), p):  # noqa: B007 — the nearest counts
                    pass
                if _GAP_BREAK.search(text, last.end(), p) is None:
                    return _LABEL_KIND[last.group()]
        return None

    def page_account(self, text: str, start: int) -> bool:
        """On a PDF page: whether the nearest table header line above ``start`` (a line of column
        words such as 姓名 身份证号 存折账号 金额, with no long number in it) has an account
        column. A page's text layer keeps no cells, so a passbook number in that table's rows is
        known only by that header; the last header of a page carries over to the next one."""
        if not self.page or (self.layout is not None and self.layout.column(start) is not None):
            return False  # the positions of the page's text gave its column
        if self.page_headers is None:
            self.page_headers = []
            line_start = 0
            for line in text.split("\n"):
                if (len(line) <= 200 and len(_PAGE_COLUMN.findall(line)) >= 2 and not _RUN.search(line)
                        and "：" not in line):
                    self.page_headers.append((line_start, _PAGE_ACCOUNT.search(line) is not None))
                line_start += len(line) + 1
        index = bisect.bisect_left(self.page_headers, (start, False)) - 1
        if index >= 0:
            return self.page_headers[index][1]
        return bool(self.state.get("page_account"))

    def end_page(self) -> None:
        if self.page and self.page_headers:
            self.state["page_account"] = self.page_headers[-1][1]

    @staticmethod
    def after(text: str, start: int) -> bool:
        """Whether an account word follows the number that starts at ``start`` (存入…存折)."""
        end = _RUN_TAIL.match(text, start).end()
        return _ACCOUNT_AFTER.match(text, end) is not None

    def header(self, delim: str) -> list[str] | None:
        found = self.state.get("header")
        return found[1] if found and found[0] == delim else None

    def _header(self, text: str, line_start: int, delim: str) -> list[str] | None:
        """Reads the lines in ``[seen_upto, line_start)`` for a table header line; returns the
        header of ``delim``'s table."""
        # A header line holds a delimiter (a tab, comma, |, or a gap of spaces: ``_GAP``), so the
        # lines after the last one that holds any of these need no search for header words; in a
        # text with a table row here and there, that is most of the text between two rows. (One
        # rfind per character runs at memory speed; sre's scan for the first characters of the
        # header words looks at every character.) Not worth it for a short stretch: sre scans it for
        # header words (a row or two of a CSV file: five look-ups would cost more than they save).
        rfind, seen, end = text.rfind, self.seen_upto, line_start
        if line_start - seen > _HEADER_SKIP_MIN:
            end = max(rfind(",", seen, line_start), rfind("\t", seen, line_start), rfind("|", seen, line_start),
                      rfind(" ", seen, line_start), rfind("\u3000", seen, line_start))
            if end >= 0:
                end = text.find("\n", end, line_start)
                end = line_start if end < 0 else end
        first = _HEADER_WORD.search(text, seen, end) if end >= 0 else None
        if first is not None:
            done = -1
            for m in _HEADER_WORD.finditer(text, first.start(), end):
                if m.start() < done:
                    continue  # a line with several header words is read once
                ls = text.rfind("\n", 0, m.start()) + 1
                le = text.find("\n", m.end())
                le = line_start if le < 0 or le > line_start else le
                done = le
                line = text[ls:le]
                d = "\t" if "\t" in line else "," if "," in line else "|" if "|" in line else None
                if (d is None and _GAP.search(line) is None) or _RUN.search(line):
                    continue  # a sentence (联系电话：…, 发放金额…), or a data row: not a header
                cells = ([cell.strip().strip('"') for cell in line.split(d)] if d
                         else _GAP.split(line.strip()) if _GAP.search(line.strip()) else [])
                if len(cells) >= 2 and max(len(cell) for cell in cells) <= _HEADER_CELL:
                    self.state["header"] = (d or "  ", cells)  # short labels in columns: a header
                    # whether any column is one of figures (checksum-valid numbers ask only that)
                    self.state["header_figures"] = any(self.classify(cell) == _FIG for cell in cells)
        self.seen_upto = line_start
        return self.header(delim)


class Detector:
    """Scans text with one configuration. Build once (the sensitive-word automaton is compiled
    here), use for many texts; ``detector_for(config)`` caches one per configuration."""

    def __init__(self, config: PrivacyConfig | None = None):
        self.config = config or DEFAULT_CONFIG
        self.kinds = self.config.kinds
        self._id, self._mobile = Kind.ID_CARD in self.kinds, Kind.MOBILE in self.kinds
        self._bank, self._landline = Kind.BANK_CARD in self.kinds, Kind.LANDLINE in self.kinds
        policy = self.config.mask
        self._mask_char = policy.mask_char
        # head/tail kept for unbroken numbers (mask_rules.mask_value handles every other form)
        self._keep = {Kind.ID_CARD: (min(policy.id_card[0], 6), min(policy.id_card[1], 4)),
                      Kind.MOBILE: policy.mobile, Kind.BANK_CARD: policy.bank_card}
        self._words = None
        if self.config.sensitive_words and Kind.SENSITIVE_WORD in self.kinds:
            import ahocorasick_rs

            self._words = ahocorasick_rs.AhoCorasick(list(self.config.sensitive_words),
                                                     matchkind=ahocorasick_rs.MATCHKIND_LEFTMOST_LONGEST)

    # ---- public ----------------------------------------------------------------------------

    def scan(self, text: str, *, start: int = 0, end: int | None = None,
             column_label: Callable[[int], str | None] | None = None, tabular: bool = False,
             state: dict | None = None, page: bool = False, layout=None) -> list[Finding]:
        """Findings in ``text[start:end]``, sorted by position, offsets relative to ``text``.

        ``text[:start]`` may hold context (labels) from a previous chunk; no finding starts
        before ``start``. ``column_label(offset)`` gives the table column header of a position
        (spreadsheets, Word tables). ``tabular``: the text may be a delimited table (CSV, TSV, an
        HTML table flattened with tabs) whose header line labels the columns. ``state`` carries
        the table header across the chunks of one document. ``page``: the text layer of a PDF
        page (numbers wrapped in narrow cells, table headers without delimiters); ``layout``: what
        the positions of that text say (``pdf_layout.PageLayout``: table columns, wrapped cells)."""
        end = len(text) if end is None else end
        labels = _Labels(column_label, tabular, {} if state is None else state, page, layout)
        today = self.config.today or dt.date.today()
        out: list[Finding] = []
        kinds = self.kinds
        if kinds & _NUMBER_KINDS:
            runs = layout.runs_text if layout is not None and layout.runs_text is not None else text
            self._numbers(text, start, end, labels, today, out, runs)
            if page:
                self._wrapped(text, start, end, labels, today, out, layout)
                labels.end_page()
        if kinds & _TRIGGER_KINDS:
            self._triggers(text, start, end, out)
        if self._words is not None:
            self._sensitive(text, start, end, out)
        found = _dedupe(out)
        if start and found and found[0].start < start:
            found = [f for f in found if f.start >= start]  # begun in the context: the caller has it
        return found

    # ---- numbers ---------------------------------------------------------------------------

    def _numbers(self, text, start, end, labels, today, out, runs=None):
        """Digit runs of ``runs`` (the text itself, or a PDF page's text with its wrapped cells
        joined and its cells parted, of the same length); labels and findings use ``text``."""
        runs = text if runs is None else runs
        n_text = len(text)
        prev_check, next_check = _PREV_CHECK, _NEXT_CHECK
        for m in _RUN.finditer(runs, start, end):
            s, e = m.span()
            raw = m.group()
            # Prefilter: fewer than 10 digits (a date such as 2025-03-12) is no number of any kind
            # whatever its context; an upper bound of the digits, exact for ASCII spaces and hyphens.
            if len(raw) - raw.count("-") - raw.count(" ") < 10:
                continue
            x = raw[-1] in _X
            if s == start and s > 0 and (runs[s - 1] in _DIGIT_CHARS or self._continues_run(runs, s)):
                continue  # the tail of a run that began before ``start``: the caller has it
            # Fast path: an ordinary character on either side needs no closer look.
            prev_ok = s == 0 or runs[s - 1] not in prev_check or self._prev_ok(runs, s)
            next_ok = e >= n_text or runs[e] not in next_check or self._next_ok(runs, e, n_text)
            if not (prev_ok and next_ok):
                if raw.isdigit() or (x and raw[:-1].isdigit()):
                    continue
                # Typed with separators: only the group touching the bad context goes
                # (…  1803 0123 4567 2893.96: the amount's 2893 is not part of the account).
                groups = list(_GROUP.finditer(raw))
                lo = 0 if prev_ok else groups[1].start() if len(groups) > 1 else len(raw)
                hi = len(raw) if next_ok else groups[-1].start() if len(groups) > 1 else 0
                piece = raw[lo:hi].rstrip(_SEP_CHARS)
                if next_ok and x:
                    piece = raw[lo:hi]
                if len(piece) < 10:
                    continue
                raw, s, e = piece, s + lo, s + lo + len(piece)
                x = x and next_ok
            if raw.isdigit() or (x and raw[:-1].isdigit()):
                digits = raw if raw.isascii() else raw.translate(_FOLD)
                if x:
                    digits = digits[:-1] + "X"
                found = self._classify(digits, text, s, labels, today, whole=True)
                if found is not None:
                    self._emit_number(found, text, s, e, out)
                elif x:
                    found = self._classify(digits[:-1], text, s, labels, today)
                    if found is not None:
                        self._emit_number(found, text, s, e - 1, out)
                continue
            if len(raw) - raw.count("-") - raw.count(" ") < 10:
                continue  # a date such as 2025-03-12 (other separators are counted exactly below)
            if self._wide_groups(raw):
                self._separated(raw, x, text, s, labels, today, out)
                continue
            pos = 0
            for brk in _SEP_BREAK.finditer(raw):  # a wide gap: the cells of a table, not one number
                self._separated(raw[pos:brk.start()], False, text, s + pos, labels, today, out)
                pos = brk.end()
            self._separated(raw[pos:], x, text, s + pos, labels, today, out)

    @staticmethod
    def _wide_groups(raw: str) -> bool:
        """Whether a run is one number typed in groups with two spaces between them
        (``6216  6192  6217  7052``, ``１３８　　１２３４　　５６７８``) rather than the cells of a
        text table: three or more groups of 3–8 digits (the last may be shorter), parted by the
        same two-space gap, and nothing else."""
        gaps = _SEP_BREAK.findall(raw)
        if not gaps or len(gaps[0]) != 2 or gaps[0][0] not in _SPACE or any(g != gaps[0] for g in gaps):
            return False
        pieces = raw.rstrip("XxＸｘ").split(gaps[0])
        return (len(pieces) >= 3 and all(3 <= len(p) <= 8 for p in pieces[:-1]) and len(pieces[-1]) <= 8
                and all(_GROUP.fullmatch(p) for p in pieces))

    def _separated(self, raw, x, text, s, labels, today, out):
        """A run with spaces or hyphens: try consecutive groups as one number. Checksum-backed
        (strong) readings win over label-only (weak) ones; a reading never swallows a group that
        starts a strong number of its own; the longest reading of its strength wins."""
        groups = [(g.start(), g.end(), g.group().translate(_FOLD)) for g in _GROUP.finditer(raw)]
        total = sum(len(g[2]) for g in groups)
        if total < 10:
            return
        if x:
            gs, ge, gd = groups[-1]
            groups[-1] = (gs, ge + 1, gd + "X")
        if total <= 30:
            # The whole run first: typed with spaces or hyphens it is usually one number
            # (430 102 1948 1115 1513 must not yield the "mobile" 18219481115 from its middle).
            # Grouped by fours (6217 0056 9466 9957 101) it is one number, not cells of a PDF row.
            by_fours = len(groups) >= 4 and all(len(g[2]) == 4 for g in groups[:-1]) and len(groups[-1][2]) <= 4
            found = self._classify("".join(g[2] for g in groups), text, s + groups[0][0], labels, today,
                                   whole=by_fours)
            if found is not None:
                self._emit_number(found, text, s + groups[0][0], s + groups[-1][1], out)
                return
        strong_at: dict[int, bool] = {}

        def starts_strong(k: int) -> bool:
            if k not in strong_at:
                acc, strong_at[k] = "", False
                for j in range(k, n):
                    acc += groups[j][2]
                    if len(acc) > 19:
                        break
                    if len(acc) >= 10:
                        found = self._classify(acc, text, s + groups[k][0], labels, today)
                        if found is not None and found[1] >= _STRONG:
                            strong_at[k] = True
                            break
            return strong_at[k]

        i, n = 0, len(groups)
        while i < n:
            strong = weak = None
            acc = ""
            for j in range(i, n):
                if j > i and strong is None and acc not in ("86", "0086") and starts_strong(j):
                    break
                acc += groups[j][2]
                if len(acc) > 30:
                    break
                if len(acc) < 10 or (acc[-1] == "X" and j != n - 1):
                    continue
                # one long group of a PDF row (430102… 8301…) is a number as typed
                found = self._classify(acc, text, s + groups[i][0], labels, today, whole=j == i and len(acc) >= 16)
                if found is not None:
                    if found[1] >= _STRONG:
                        strong = (j, found)
                    else:
                        weak = (j, found)
            pick = strong or weak
            if strong and weak and weak[0] > strong[0] and weak[1][0] is strong[1][0] is Kind.BANK_CARD:
                pick = weak  # a labelled account longer than a Luhn-valid prefix of it
            if pick is None:
                i += 1
                continue
            j, found = pick
            self._emit_number(found, text, s + groups[i][0], s + groups[j][1], out)
            i = j + 1

    def _wrapped(self, text, start, end, labels, today, out, layout=None):
        """On a PDF page: a number that a line end cut (``４３０１２４１９６７０９⏎２２９９２３``,
        ``37088319591105065⏎X``, ``手机：151-4136-⏎3128``) or that the text layer split with a
        wide gap. The pieces are joined only when the whole passes a checksum (an ID's check
        character, Luhn with a card prefix), is a mobile typed in its 3-4-4 groups or right after
        a phone label (手机：１５９０９６１７⏎０７４), or an ID right after its label (then a wrong check
        character is a likely typo), so two numbers of adjacent cells stay apart; with the page's
        ``layout``, only where the pieces stand as one cell or as the end and the start of two
        lines of a paragraph. (Cells that the layout saw wrap are joined before, in its
        ``runs_text``.)"""
        taken = sorted((f.start, f.end) for f in out)
        starts = [t[0] for t in taken]
        n_text = len(text)
        for m in _WRAP_POINT.finditer(text, start, end):
            j1, j2 = m.start() + 1, m.end()
            if layout is not None and not layout.may_join(j1 - 1, j2):
                continue
            a = j1
            while a > 0 and (text[a - 1] in _DIGIT_CHARS or text[a - 1] in _SEPARATORS):
                a -= 1
            b = j2
            while b < n_text and (text[b] in _DIGIT_CHARS or text[b] in _SEPARATORS):
                b += 1
            if b < n_text and text[b] in _X:
                b += 1
            left = [(g.start() + a, g.end() + a, g.group().translate(_FOLD)) for g in _GROUP.finditer(text[a:j1])]
            right = [(g.start() + j2, g.end() + j2, g.group().translate(_FOLD)) for g in _GROUP.finditer(text[j2:b])]
            if b > j2 and text[b - 1] in _X:
                if right and right[-1][1] == b - 1:
                    gs, ge, gd = right[-1]
                    right[-1] = (gs, ge + 1, gd + "X")
                elif not right and b == j2 + 1:
                    right = [(j2, b, "X")]  # a check character alone on the next line
            if not left or not right:
                continue
            done = False
            for k in range(len(left)):
                head = "".join(g[2] for g in left[k:])
                if len(head) > 17:
                    continue
                for r in range(1, len(right) + 1):
                    d = head + "".join(g[2] for g in right[:r])
                    if len(d) > 19:
                        break
                    s, e = left[k][0], right[r - 1][1]
                    grouped = [len(g[2]) for g in left[k:] + right[:r]] == [3, 4, 4]
                    phone = len(d) == 11 and _PHONE_LABEL_END.search(text, max(0, s - 8), s) is not None
                    if (len(d) < 15 and not (grouped or phone)) or ("X" in d[:-1]):
                        continue
                    i = bisect.bisect_left(starts, e)
                    lone_x = d[-1] == "X" and right[r - 1][2] == "X"
                    if i and taken[i - 1][1] > s and not lone_x:
                        continue  # part of it is reported already
                    if not (self._prev_ok(text, s) and self._next_ok(text, e, n_text)):
                        continue
                    found = self._classify(d, text, s, labels, today)
                    if found is None:
                        continue
                    # an ID whose check character a cell wrapped (…474⏎X), or right after its
                    # label, is read like any ID (a wrong check character is a likely typo)
                    id_read = found[0] is Kind.ID_CARD and (
                        (lone_x and layout is not None and layout.continues_cell(j2))
                        or _ID_LABEL_END.search(text, max(0, s - 8), s) is not None)
                    mobile = found[0] is Kind.MOBILE and (grouped or phone)
                    if found in _WRAP_OK or mobile or id_read:
                        if lone_x:  # 17 digits read alone before their check character came
                            out[:] = [f for f in out if not (s <= f.start and f.end <= e)]
                            taken = sorted((f.start, f.end) for f in out)
                            starts = [t[0] for t in taken]
                            i = bisect.bisect_left(starts, e)
                        self._emit_number(found, text, s, e, out)
                        taken.insert(i, (s, e))
                        starts.insert(i, s)
                        done = True
                        break
                if done:
                    break

    def _prev_ok(self, text: str, s: int) -> bool:
        """Whether what precedes ``text[s]`` lets a number start there: not a mask character
        (4301021990****1234), not a longer digit string, an amount's decimals or currency sign,
        an e-mail address or a code such as 91430102MA4L…."""
        if s == 0:
            return True
        prev = text[s - 1]
        if prev not in _PREV_CHECK:
            return True
        if prev in _PREV_STOP:
            return False
        if prev in _ASCII_LETTERS:
            return self._latin_label(text, s)
        if prev in ".．":
            return not (s > 1 and text[s - 2] in _DIGIT_CHARS)
        return True

    @staticmethod
    def _next_ok(text: str, e: int, n_text: int) -> bool:
        """Whether what follows ``text[e - 1]`` lets a number end there: not masked, not an
        e-mail's local part, a percentage, a code, an amount (decimals, 元, 万) or a count (人, 户)."""
        if e >= n_text:
            return True
        nxt = text[e]
        if nxt not in _NEXT_CHECK:
            return True
        if nxt in ".．":
            return not (e + 1 < n_text and text[e + 1] in _DIGIT_CHARS)
        return False

    @staticmethod
    def _continues_run(text: str, s: int) -> bool:
        j = s - 1
        while j >= 0 and s - j <= 2 and text[j] in _SEPARATORS:
            j -= 1
        return (j >= 0 and j < s - 1 and text[j] in _DIGIT_CHARS
                and _SEP_BREAK.fullmatch(text, j + 1, s) is None)

    def _latin_label(self, text: str, s: int) -> bool:
        """Latin letters right before a number: a word such as Tel, phone or WeChat lets it be a
        number of its own; capitals (SN, HT, MA4L…) make it part of a code."""
        i = s
        while i > 0 and text[i - 1] in _ASCII_LETTERS and s - i < 12:
            i -= 1
        word = text[i:s]
        return word.lower() in _LATIN_LABELS or not word.isupper()

    def _classify(self, d: str, text: str, s: int, labels: _Labels, today: dt.date, whole: bool = False):
        """(kind, confidence, note, country_code_digits) for normalised digits ``d``, or None.
        ``whole``: ``d`` is a number as typed, not groups of a run joined on trial (only such a
        number is read by a PDF table's account column header)."""
        n = len(d)
        label = None
        if n == 18 and self._id and checksums.id18_structure_ok(d, today):
            if checksums.id18_check_ok(d):
                if labels.figure(text, s):
                    return None  # a figure in an amount, quantity or date column or row
                if _uscc_like(d):
                    return _ambiguous_code(labels.of(text, s), _ID_VALID)
                return _ID_VALID
            if _uscc_like(d):
                return None  # a unified social credit code made only of digits (GB 32100)
            label = labels.of(text, s)
            if label == _NEG or label == _FIG:
                return None
            if label != _POS:
                return _ID_TYPO
        elif n == 18 and self._id and checksums.id18_loose_ok(d, today):
            if labels.figure(text, s):
                return None
            if _uscc_like(d):
                return _ambiguous_code(labels.of(text, s), _ID_UNKNOWN_REGION)
            return _ID_UNKNOWN_REGION
        if d[-1] == "X":
            return None
        if n == 15 and self._id and checksums.id15_structure_ok(d, today):
            label = labels.of(text, s) if label is None else label
            if label == _NEG or label == _FIG:
                return None
            if label != _POS:
                return _ID_15
        if self._mobile and (n == 11 or n == 13 or n == 15):
            cc = 0 if n == 11 else 2 if d.startswith("86") else 4 if d.startswith("0086") else -1
            if cc >= 0 and d[cc] == "1" and "3" <= d[cc + 1] <= "9":  # 1[3-9] and 9 more digits
                label = labels.of(text, s) if label is None else label
                if label == _NEG or label == _FIG:
                    return None
                if label not in _ACCOUNT_LABELS or cc:
                    if checksums.mobile_allocated(d[cc:]):
                        return _MOBILE[cc]
                    return _MOBILE_UNALLOCATED[cc]
        if self._bank and 10 <= n <= 30:
            if 12 <= n <= 19 and checksums.luhn_ok(d):
                # Under a card or account label every Luhn-valid 12–19-digit number is a card:
                # Visa (4…, 13/16/19 digits), Mastercard (5…/2…, 16), Amex (34…/37…, 15, typed
                # 4-6-5), UnionPay (62…); unlabelled, only the long prefixes Chinese subsidies are
                # paid into (CARD_PREFIXES): too many serials pass Luhn by chance.
                label = labels.of(text, s) if label is None else label
                if label == _NONE and labels.after(text, s):
                    label = _POS  # 打入6228…账户: the word after the number says it
                if label in _ACCOUNT_LABELS:
                    return _CARD_LABELLED
                if label in _NEUTRAL and n >= 16 and checksums.card_prefix_ok(d):
                    return _CARD
            else:
                label = labels.of(text, s) if label is None else label
                if label in _ACCOUNT_LABELS or (label == _NONE and labels.after(text, s)):
                    return _ACCOUNT
            if whole and label == _NONE and n >= 16 and labels.page_account(text, s):
                return _ACCOUNT_PAGE
        if self._landline and d[0] == "0" and checksums.split_landline(d):
            label = labels.of(text, s) if label is None else label
            if label == _NEG or label == _FIG or self._allowed_landline(d):
                return None
            return _LANDLINE
        return None

    def _allowed_landline(self, digits: str) -> bool:
        allow = self.config.landline_allow
        if not allow:
            return False
        if digits in allow:
            return True
        split = checksums.split_landline(digits) if digits[:1] == "0" else None
        return bool(split and split[1] in allow)

    def _emit_number(self, found, text, s, e, out):
        kind, confidence, note, cc = found
        if cc and s > 0 and text[s - 1] in _PLUS:
            s -= 1
        raw = text[s:e]
        keep = self._keep.get(kind) if not cc and raw.isdigit() else None
        if keep is not None and len(raw) > keep[0] + keep[1]:  # the common case, without mask_value's generality
            head, tail = keep
            if kind is Kind.ID_CARD and len(raw) == 15:
                tail = min(tail, 3)
            masked = raw[:head] + self._mask_char * (len(raw) - head - tail) + raw[len(raw) - tail:]
        else:
            masked = mask_value(kind, raw, self.config.mask)
        out.append(Finding(kind, s, e, raw, confidence, "", masked, note))

    def _emit(self, kind, s, e, text, confidence, note=""):
        raw = text[s:e]
        return Finding(kind, s, e, raw, confidence, masked=mask_value(kind, raw, self.config.mask), note=note)

    # ---- other kinds -----------------------------------------------------------------------

    def _triggers(self, text, start, end, out):
        kinds = self.kinds
        email, landline = Kind.EMAIL in kinds, Kind.LANDLINE in kinds
        address, classified = Kind.ADDRESS in kinds, Kind.CLASSIFIED_MARKING in kinds
        for m in _TRIGGER.finditer(text, max(0, start - 16), end):
            first = m.group()[0]
            if first in _EMAIL_CHARS:
                if email:
                    self._email(text, m.start(), start, end, out)
            elif first in _PAREN_CHARS:
                if landline:
                    number = _PAREN_NUMBER.match(text, m.start() + 1, end)
                    if number:
                        self._local_landline(text, m.start(), number.end(), number.group(), out)
            elif first in _CLASSIFIED_CHARS:
                if classified:
                    self._classified(text, m, out)
            elif first in _PHONE_CHARS and m.group() in _PHONE_WORDS:
                if landline:
                    number = _PHONE_NUMBER.match(text, m.end(), end)
                    if number:
                        self._local_landline(text, number.start(1), number.end(1), number.group(1), out)
            elif address:
                self._address(text, m, start, end, out)

    def _email(self, text, at, start, end, out):
        ls, lo = at, max(0, at - 64)
        while ls > lo and text[ls - 1] in _EMAIL_LOCAL_CHARS:
            ls -= 1
        while ls < at and text[ls] in "._%+-":
            ls += 1
        if ls == at:
            return
        domain = _EMAIL_DOMAIN.match(text, at + 1, min(end, at + 255))
        if domain is not None:
            out.append(self._emit(Kind.EMAIL, ls, domain.end(), text, 0.95))

    def _local_landline(self, text, s, e, number, out):
        """A local number after 电话/座机/传真, or a number after a bracketed area code (0731)."""
        digits = "".join(ch for ch in number.translate(_FOLD) if ch.isdigit())
        local = digits[-8:] if len(digits) > 8 and digits[-8] in "23456789" else digits[-7:]
        if not checksums.local_landline_ok(local if digits[0] == "0" else digits):
            return
        if self._allowed_landline(digits) or self._allowed_landline(local):
            return
        out.append(self._emit(Kind.LANDLINE, s, e, text, 0.6))

    def _address(self, text, m, start, end, out):
        s, e = m.span()
        e = _ADDRESS_MORE.match(text, e, min(end, e + 40)).end()
        detail = text[s + 1:e]
        place = text[s]
        name_start = s
        while name_start > 0 and s - name_start < 8:
            ch = text[name_start - 1]
            if not (_CJK_LO <= ch <= _CJK_HI) or ch in _ADDRESS_NAME_STOP:
                break
            name_start -= 1
        line_start = text.rfind("\n", max(0, s - 40), s) + 1 or max(0, s - 40)
        labelled = _ADDRESS_HOME_LABEL.search(text, line_start, s) is not None
        village = place in "村组屯寨湾坪" or (place == "区" and text[s - 1:s] == "社")
        building = _ADDRESS_BUILDING.search(detail) is not None
        grouped = "组" in detail or "队" in detail
        if (village and grouped) or building:
            confidence = 0.85 if labelled else 0.7
        elif labelled:
            confidence = 0.6
        else:
            return
        out.append(self._emit(Kind.ADDRESS, name_start, e, text, confidence))

    def _classified(self, text, m, out):
        s, e = m.span()
        word = m.group()
        line_start = text.rfind("\n", 0, s) + 1
        before = text[line_start:s].strip(" \t\u3000")
        after_end = text.find("\n", e)
        after = text[e:after_end if after_end >= 0 else len(text)].strip(" \t\u3000")
        opened = before == "" or before[-1] in _STAMP_OPEN
        closed = (after == "" or after[0] in _STAMP_CLOSE or after[0] in "，,、 "
                  or after.startswith(("注意保存", "内部资料")))
        stamp = opened and closed
        if word[:2] in ("绝密", "机密", "秘密"):
            # With ★ it is a marking wherever it stands; a bare level word only where a marking
            # stands (alone, in a stamp's brackets, after 密级), not at the end of a sentence or a
            # cell that names the category (表三 "1.属于国家秘密", "不得公开涉及国家秘密").
            if any(star in word for star in "★☆") or opened or before.endswith(("密级", "密级：", "密级:")):
                out.append(self._emit(Kind.CLASSIFIED_MARKING, s, e, text, 0.95))
        elif word in ("内部资料", "内部文件", "请勿外传"):
            out.append(self._emit(Kind.CLASSIFIED_MARKING, s, e, text, 0.9 if stamp else 0.5,
                                  "" if stamp else "正文中出现该字样，请核实"))
        elif stamp:  # 注意保存, 不予公开: only as a stamp (a reply letter may say 决定不予公开)
            out.append(self._emit(Kind.CLASSIFIED_MARKING, s, e, text, 0.9))

    def _sensitive(self, text, start, end, out):
        chunk = text[start:end]
        for _index, s, e in self._words.find_matches_as_indexes(chunk):
            out.append(self._emit(Kind.SENSITIVE_WORD, start + s, start + e, text, 0.9))


_NUMBER_KINDS = frozenset({Kind.ID_CARD, Kind.MOBILE, Kind.BANK_CARD, Kind.LANDLINE})
# Readings of a number: (kind, confidence, note, digits of a country code before a mobile number)
_ID_VALID = (Kind.ID_CARD, 0.99, "", 0)
_ID_TYPO = (Kind.ID_CARD, 0.6, "校验位不符，疑为笔误的身份证号", 0)
_ID_15 = (Kind.ID_CARD, 0.8, "15位（一代）身份证号", 0)
_ID_UNKNOWN_REGION = (Kind.ID_CARD, 0.9, "地址码不在省级代码表中，但校验位正确", 0)
_MOBILE = {cc: (Kind.MOBILE, 0.95, "", cc) for cc in (0, 2, 4)}
_MOBILE_UNALLOCATED = {cc: (Kind.MOBILE, 0.75, "号段未分配，可能不是手机号", cc) for cc in (0, 2, 4)}
_CARD_LABELLED = (Kind.BANK_CARD, 0.98, "", 0)
_CARD = (Kind.BANK_CARD, 0.85, "", 0)
_ACCOUNT = (Kind.BANK_CARD, 0.75, "按“账号”标注识别（未通过Luhn校验，如存折账号）", 0)
_ACCOUNT_PAGE = (Kind.BANK_CARD, 0.6, "PDF表格的账号列中的长数字（按表头识别）", 0)
_ID_OR_CODE = (Kind.ID_CARD, 0.6, "同时符合统一社会信用代码的校验规则，请核实是否为身份证号", 0)


def _uscc_like(d: str) -> bool:
    """Whether 18 digits also read as a unified social credit code (GB 32100-2015): registration
    authority and category (digits 1–9), a division code starting with a province code, the
    GB 11714 check of its organisation code and the MOD 31-3 check. An ID number passes all of
    these by chance about once in 341 times; a credit code always does."""
    if d[0] == "0" or d[1] == "0" or d[2:4] not in checksums.PROVINCE_CODES:
        return False
    # GB 11714 (the organisation code, characters 9–17), here all digits: weights 3 7 9 10 5 8 4 2,
    # check 11 - sum mod 11 (10 -> X, 11 -> 0); the cheaper of the two checks goes first
    check = 11 - sum(map(operator.mul, map(int, d[8:16]), _ORG_WEIGHTS)) % 11
    return d[16] == ("X" if check == 10 else "0" if check == 11 else str(check)) and is_valid_uscc(d)


_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def _ambiguous_code(label: int, reading):
    """A number that is both a valid ID and a valid credit code: its label decides; unlabelled it
    is reported below the confident level (a reviewer looks), never silently dropped."""
    if label == _NEG:
        return None  # 统一社会信用代码：…
    if label == _IDL or label == _SSC:
        return reading
    return _ID_OR_CODE


_WRAP_OK = frozenset({_ID_VALID, _ID_UNKNOWN_REGION, _CARD, _CARD_LABELLED})
_LANDLINE = (Kind.LANDLINE, 0.7, "", 0)
_TRIGGER_KINDS = frozenset({Kind.EMAIL, Kind.LANDLINE, Kind.ADDRESS, Kind.CLASSIFIED_MARKING})


def _dedupe(findings: list[Finding]) -> list[Finding]:
    """Sort by position; of overlapping findings of the personal-number kinds keep the first found
    (number detectors run first), identical spans of the same kind once."""
    if len(findings) < 2:
        return findings
    findings.sort(key=lambda f: (f.start, -f.end))
    kept: list[Finding] = []
    last_number_end = -1
    for f in findings:
        if f.kind in _NUMBER_KINDS or f.kind is Kind.EMAIL:
            if f.start < last_number_end:
                continue
            last_number_end = f.end
        elif kept and kept[-1].kind is f.kind and kept[-1].start == f.start and kept[-1].end == f.end:
            continue
        kept.append(f)
    return kept


@functools.lru_cache(maxsize=16)
def detector_for(config: PrivacyConfig) -> Detector:
    return Detector(config)


def scan_text(text: str, *, config: PrivacyConfig | None = None, tabular: bool = True) -> list[Finding]:
    """All findings in ``text`` (offsets into ``text``, ``location`` empty), sorted by position.

    ``tabular``: also read the header line of delimited tables (tab, comma, |) to label columns."""
    return detector_for(config or DEFAULT_CONFIG).scan(text, tabular=tabular)

