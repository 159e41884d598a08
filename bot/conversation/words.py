"""Command words residents use, typed or spoken, and how a short message is compared to them."""
import re
import unicodedata

MENU = {"菜单", "帮助", "主菜单", "功能", "你能做什么", "你会做什么", "你会什么", "有什么功能", "help"}
CANCEL = {"取消", "不办了", "算了", "不要了", "退出", "结束", "不弄了"}
HANDOFF = {
    "人工", "转人工", "人工服务", "人工客服", "找人工", "我要人工", "工作人员", "找工作人员", "真人", "客服",
}
MORE = {"更多", "还有呢", "继续", "下一页"}
CONFIRM = {
    "确认", "确定", "对", "是", "是的", "对的", "好", "好的", "可以", "没问题", "提交", "确认提交", "要得", "得行",
}
BACK = {"返回", "上一步", "回去", "退回", "后退"}
HELP = {"帮助", "怎么弄", "不会", "不懂"}
GREETING = {"你好", "您好", "在吗", "在不在", "有人吗", "hello", "hi", "喂"}
THANKS = {"谢谢", "谢谢你", "谢谢您", "多谢", "感谢", "谢了", "辛苦了", "麻烦你了"}
ACKNOWLEDGE = {"好", "好的", "嗯", "嗯嗯", "哦", "噢", "知道了", "晓得了", "明白了", "收到", "ok", "行", "要得", "得行"}

_QUESTION = re.compile(
    r"[?？吗啥哪谁]|什么|怎么|咋|几点|几号|几岁|几时|几月|多少|多久|好久|为什么|能不能|可不可以|有没有|是不是|要不要"
    r"|可以不|得行不|行不|[嘛呢么不没]$"
)
_PUNCTUATION = re.compile(r"[\s，。！？、,.!?~～…：:；;“”\"'（）()]+")
_PARTICLES = "啊吧呀嘛噻哦哈了"


_CHINESE_DIGITS = {c: i for i, c in enumerate("一二三四五六七八九十", 1)}
_CHOICE = re.compile(r"^第?([0-9]{1,2}|[一二三四五六七八九十]|十[一二三四五六七八九])(个|项|条|种)?$")


def choice_number(text: str) -> int | None:
    """A numbered choice as people type or say it: 1, １, 一, 第一个, 第2项."""
    match = _CHOICE.match(unicodedata.normalize("NFKC", command_word(text)))
    if match is None:
        return None
    number = match.group(1)
    if number.isdigit():
        return int(number)
    if len(number) == 2:
        return 10 + _CHINESE_DIGITS[number[1]]
    return _CHINESE_DIGITS[number]


def command_word(text: str) -> str:
    """A short message stripped of punctuation and case, for command words and digits."""
    return _PUNCTUATION.sub("", text).lower()


def said(text: str, words: set[str]) -> bool:
    """A command word, also with punctuation or a trailing particle: 人工嘛, 取消吧, 算了。"""
    word = command_word(text)
    return word in words or word.rstrip(_PARTICLES) in words


def looks_like_question(text: str) -> bool:
    """A question, not an answer to one: only questions may jump out of a form to the FAQ."""
    return bool(_QUESTION.search(text.strip().rstrip("。.!！~～…")))
