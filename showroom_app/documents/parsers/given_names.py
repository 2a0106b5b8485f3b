"""The characters Chinese given names are most often made of, and the reading of a
name's doubtful characters against them.

Given names draw on thousands of characters, but unevenly: a few hundred make up most
of them (伟, 芳, 静, 洁, 燕…), while many common characters of the language are almost
never given (蒸, 用, 品, 字…). So a doubtful character of a name the recogniser also saw
as one of the name characters ("钟蒸萍" where 燕 was soft) is read as it when the line's
evidence, with modest prior odds, supports it; a print read with some confidence stays
(雨 at 0.8 against 丽), and a name so read stays under the review threshold.
"""

from __future__ import annotations

from models.ocr.ctc import CtcPosteriors
from showroom_app.documents.parsers.rereading import reread
from showroom_app.documents.parsers.surnames import COMPOUND

# Characters common in given names (men's, women's and both, older and newer names),
# from the usual naming statistics; together they make up most given-name characters.
COMMON = frozenset(
    "伟强磊军勇杰涛明超刚平辉鹏华飞鑫波斌宇浩凯健俊帆帅旭宁龙林洋亮成建国志文海东峰兵新"
    "生春荣德永胜立康庆翔博晨轩然阳睿哲泽瑞航毅坤彬豪宏振江山贵福民利清光金云长雷忠良"
    "芳娜敏静丽艳娟霞秀英红梅玲燕萍琳婷颖倩慧佳欣怡涵琪玉兰桂凤雪丹洁晶璐月莉蕾薇娇岚"
    "琴珍露晓晴悦妍雯婧爽媛瑶菲蓉翠素淑美小彤诗思梦欢子一嘉鸿家宝中天锦辰铭昊楠琦"
    "雨梓萱诺依可馨昕若语桐沐奕皓煜宸珊瑾瑜妮娅蕊嫣靖钰婉曦汐柔茜菁萌晗熙逸安乐莹凡"
    "斯卓烨骏驰晖昱炜佩璇琼芬芝霖韵歆晏骁尧舒芸娴珂玮婕彦懿敬承耀鸣盛泓渊潇澜源钧锐"
    "锋昌智勤仁义礼信孝廷武秋冬艺乔希瑞宜苒朵蔓"
)
# Prior odds, in nats, of one of these against one other given character. Against a
# character names never use (蒸, 用, 品) they are far higher; but the list alone cannot
# tell those from characters names still use, each about a fifth as often as a listed
# one (ln 5 ≈ 1.6), and a clear print of such a name must stay: the smaller figure.
COMMON_NATS = 1.6


def read_given_name(text: str, name: str, ctc: CtcPosteriors | None) -> str | None:
    """The name (the end of the line's `text`) with its doubtful given-name characters
    read against the common ones where the evidence supports it; None when nothing
    changes."""
    if len(name) < 2 or not text.endswith(name):
        return None
    # The given name: after the surname, of one character or two (欧阳).
    start = len(text) - len(name) + (2 if name[:2] in COMPOUND else 1)
    read = reread(text, ctc, range(start, len(text)), COMMON, COMMON_NATS)
    return None if read is None else read[len(text) - len(name):]
