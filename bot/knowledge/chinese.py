"""Chinese as residents type or speak it: numerals, clock times, days, ages, names, command words (pure)."""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection
from datetime import date, timedelta
from functools import lru_cache

import cn2an

CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "幺": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
             "六": 6, "七": 7, "八": 8, "九": 9}
WEEKDAY_NAMES = "一二三四五六日"
WEEKDAYS = {**{c: i for i, c in enumerate("一二三四五六日")}, "天": 6, "末": 5,
            **{str(i + 1): i for i in range(7)}}
PERIOD_LABELS = {"am": "上午", "pm": "下午"}
_AM = ("上午", "早上", "早晨", "上半天", "早点")
_PM = ("下午", "下半天", "午后", "晚点")
_RELATIVE = {"今天": 0, "今日": 0, "明天": 1, "明日": 1, "后天": 2, "大后天": 3}
_CLOCK = re.compile(
    r"(\d{1,2})\s*[:：]\s*(\d{2})|([\d零一二两三四五六七八九十]{1,3})\s*点\s*(半|([\d零一二三四五六七八九十]{1,3})分?)?")
_AFTERNOON = ("下午", "晚上", "傍晚")
_SEPARATORS = re.compile(r"[\s\-－—_.,，。:：+]+")
_CN_NUMBER = re.compile(r"[零〇一二两三四五六七八九十]+")


@lru_cache(maxsize=4096)
def cn_number(word: str) -> int | None:
    """十二 → 12, 二〇二二 → 2022, 一百二 → 120, 两 → 2 (cn2an); None when it is not a whole number.
    Remembered: the same few numerals recur and cn2an takes 10–15 µs a call."""
    if not word:
        return None
    if word.isdigit():
        return int(word)
    try:
        value = cn2an.cn2an(word, "normal")
    except (ValueError, KeyError):  # cn2an's two complaints about text that is not a numeral
        return None
    return int(value) if value == int(value) and value >= 0 else None


def find_clock(text: str) -> tuple[int, int, int] | None:
    """9点, 下午3点半, 15:00, 八点二十分 → (hour, minute, where it starts); None when no time is said.

    下午/晚上/傍晚 before a morning hour moves it to the afternoon; the hour is not checked."""
    found = _CLOCK.search(text)
    if found is None:
        return None
    if found.group(1):
        hour, minute = int(found.group(1)), int(found.group(2))
    else:
        hour = cn_number(found.group(3)) or 0
        minute = 30 if found.group(4) == "半" else (cn_number(found.group(5) or "") or 0)
    if any(word in text for word in _AFTERNOON) and hour < 12:
        hour += 12
    return hour, minute, found.start()


def _digits_in(text: str) -> str:
    """Chinese numerals (十 included) become Arabic digits so one regex reads both."""
    return _CN_NUMBER.sub(lambda m: str(value) if (value := cn_number(m.group())) is not None else m.group(), text)


def parse_period(text: str) -> str | None:
    if any(w in text for w in _AM):
        return "am"
    if any(w in text for w in _PM):
        return "pm"
    return None


def parse_day(text: str, today: date) -> date | None:
    """明天, 后天, 下周二, 周三, 11月30号, 12月1日, 30号; None when no day is named."""
    for word, offset in sorted(_RELATIVE.items(), key=lambda kv: -len(kv[0])):
        if word in text:
            return today + timedelta(days=offset)
    text = _digits_in(text)
    found = re.search(r"(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?", text) or re.search(r"\b(\d{1,2})[/-](\d{1,2})\b", text)
    if found:
        month, day = int(found.group(1)), int(found.group(2))
        year = today.year + (1 if month < today.month else 0)
        try:
            return date(year, month, day)
        except ValueError:
            return None
    found = re.search(r"(下+)?(?:个)?(这|本)?(?:周|星期|礼拜)([一二三四五六日天1-7])", text)
    if found:
        weekday = WEEKDAYS[found.group(3)]
        if found.group(1):
            monday = today - timedelta(days=today.weekday()) + timedelta(weeks=len(found.group(1)))
            return monday + timedelta(days=weekday)
        if found.group(2):
            return today - timedelta(days=today.weekday()) + timedelta(days=weekday)
        return today + timedelta(days=(weekday - today.weekday()) % 7)
    found = re.search(r"(\d{1,2})\s*[日号]", text)
    if found:
        day = int(found.group(1))
        month_start = today.replace(day=1)
        for months_ahead in (0, 1):
            first = (month_start + timedelta(days=32 * months_ahead)).replace(day=1)
            try:
                candidate = first.replace(day=day)
            except ValueError:
                continue
            if candidate >= today:
                return candidate
    return None


def day_label(day: date, period: str | None = None) -> str:
    """12月1日 周二 上午 — the form residents see in choices, summaries and reminders."""
    label = f"{day.month}月{day.day}日 周{WEEKDAY_NAMES[day.weekday()]}"
    return f"{label} {PERIOD_LABELS[period]}" if period else label


def parse_phone(text: str) -> str | None:
    """A mainland mobile number, typed or spoken (一三八…, 幺, spaces, dashes, +86); else None."""
    typed = unicodedata.normalize("NFKC", text)  # full-width digits too
    spoken = "".join(str(CN_DIGITS[c]) if c in CN_DIGITS else c for c in typed)
    for candidate in (typed, spoken):  # typed digits first: 张三13812345678 is no 12-digit number
        compact = re.sub(r"^(?:0086|86)(?=1\d{10}$)", "", _SEPARATORS.sub("", candidate))
        found = re.search(r"(?<!\d)1[3-9]\d{9}(?!\d)", compact)
        if found:
            return found.group()
    return None


def parse_name(text: str, not_names: Collection[str] = (), not_in_names: Collection[str] = ()) -> str | None:
    """张三, 我叫王小红, 姓名：李四 → the name; None for anything that is not a plausible name.

    ``not_names`` are answers that are no name (好的, 不知道); ``not_in_names`` words no name holds
    (预约, 明天): both from faq/lexicon.yaml."""
    name = re.sub(r"^(我的?(名字|姓名)?(叫|是)|我叫|姓名|名字)[是叫：:\s]*", "", text.strip())
    name = name.strip(" 。.，,！!")
    if looks_like_question(name) or said(name, not_names) or any(w in name for w in not_in_names):
        return None
    if re.fullmatch(r"[\u4e00-\u9fff]{2,5}(·[\u4e00-\u9fff]{1,6})?", name):
        return name
    if re.fullmatch(r"[A-Za-z][A-Za-z .'-]{1,30}", name):
        return name
    return None


# Ages and birth dates as people say them (digits already): 3岁半, 80多岁, 今年78了, 2022年5月, 1952年生.
AGE_RE = re.compile(r"(\d{1,3})(?:周岁|岁)(半|多)?")
AGE_LOOSE_RE = re.compile(r"(?:(?<=今年)|(?<![\d点号月年]))(\d{2,3})(多)?了")  # "我老汉儿85了", "今年78了"
YM_RE = re.compile(r"((?:19|20)\d{2}|\d{2})年(\d{1,2})月(?:(\d{1,2})[日号])?")
DOTTED_RE = re.compile(r"((?:19|20)\d{2})[./-](\d{1,2})(?:[./-](\d{1,2}))?")
YEAR_RE = re.compile(r"((?:19|20)\d{2})年?(?:出生|生)")
BARE_YEAR_RE = re.compile(r"^((?:19|20)\d{2})年?(?:的|生的|出生的|出生|生)?$")
NUMBER_RE = re.compile(r"^\D{0,4}?(\d{1,3})\D{0,6}$")


def parse_age(text: str, today: date) -> int | None:
    """72, 七十二岁, 今年七十八了, 1952年出生 (a birth year gives the age this year)."""
    digits = _digits_in(text)
    said_age = AGE_RE.search(digits) or AGE_LOOSE_RE.search(digits)
    year = None if said_age else re.search(r"(19|20)\d\d", digits)
    if year:
        age = today.year - int(year.group())
    else:
        found = said_age or re.search(r"(\d{1,3})", digits)
        age = int(found.group(1)) if found else None
    return age if age is not None and 3 <= age <= 110 else None


def years_between(born: date, on: date) -> int:
    """Completed years (周岁) from ``born`` to ``on``."""
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def safe_date(year: int, month: int, day: int) -> date:
    """The day, or the month's last day when it has fewer (31 → 30, 29 Feb → 28)."""
    while day > 28:
        try:
            return date(year, month, day)
        except ValueError:
            day -= 1
    return date(year, month, day)


def subtract_months(today: date, months: int) -> date:
    total = today.year * 12 + (today.month - 1) - months
    return safe_date(total // 12, total % 12 + 1, today.day)


def mask_phone(phone: str | None) -> str:
    return f"{phone[:3]}****{phone[-4:]}" if phone and len(phone) >= 7 else "***"


def mask_name(name: str | None) -> str:
    return f"{name[0]}*" if name else "*"


# --- short messages: command words, numbered choices, questions --------------------------

_QUESTION = re.compile(
    r"[?？吗啥哪谁]|什么|怎么|咋|几点|几号|几岁|几时|几月|多少|多久|好久|为什么|能不能|可不可以|有没有|是不是|要不要"
    r"|可以不|得行不|行不|[嘛呢么不没]$"
)
_PUNCTUATION = re.compile(r"[\s，。！？、,.!?~～…：:；;“”\"'（）()]+")
_PARTICLES = "啊吧呀嘛噻哦哈了"


_CHOICE = re.compile(r"^第?([0-9]{1,2}|[一二三四五六七八九十]|十[一二三四五六七八九])(个|项|条|种)?$")


def choice_number(text: str) -> int | None:
    """A numbered choice as people type or say it: 1, １, 一, 第一个, 第2项."""
    match = _CHOICE.match(unicodedata.normalize("NFKC", command_word(text)))
    return cn_number(match.group(1)) if match else None


def command_word(text: str) -> str:
    """A short message stripped of punctuation and case, for command words and digits."""
    return _PUNCTUATION.sub("", text).lower()


def said(text: str, words: Collection[str]) -> bool:
    """A command word, also with punctuation or a trailing particle: 人工嘛, 取消吧, 算了。"""
    word = command_word(text)
    return word in words or word.rstrip(_PARTICLES) in words


def looks_like_question(text: str) -> bool:
    """A question, not an answer to one: only questions may jump out of a form to the FAQ."""
    return bool(_QUESTION.search(text.strip().rstrip("。.!！~～…")))
