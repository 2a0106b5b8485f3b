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

import math

from models.ocr.ctc import CtcPosteriors
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
SURE = 0.95  # a character the recogniser gave at least this is not doubted
MIN_SEEN = 1e-3  # a name character seen less than this there was not seen at all
MAX_CHANGES = 2


def read_given_name(text: str, name: str, ctc: CtcPosteriors | None) -> str | None:
    """The name (the end of the line's `text`) with its doubtful given-name characters
    read against the common ones where the evidence supports it; None when nothing
    changes. Only characters of the greedy reading are reread, in a line whose other
    characters may have been read otherwise already (its surname: "特" read as 钟)."""
    if ctc is None or len(name) < 2 or not text.endswith(name):
        return None
    path = ctc.best_path()
    if len(path) != len(text):
        return None
    # The given name: after the surname, of one character or two (欧阳).
    start = len(text) - len(name) + (2 if name[:2] in COMPOUND else 1)
    doubtful: list[tuple[int, list[str]]] = []
    for i in range(start, len(text)):
        cls, first, last = path[i]
        if (text[i] in COMMON or ctc.classes.get(text[i]) != cls
                or float(ctc.probs[first:last + 1, cls].max()) >= SURE):
            continue
        span = ctc.probs[max(0, first - 1):last + 2]
        seen = sorted(c for c in COMMON if (k := ctc.classes.get(c)) is not None
                      and float(span[:, k].max()) >= MIN_SEEN)
        if seen:
            doubtful.append((i, seen))
    if not doubtful:
        return None
    score = ctc.log_likelihood(text)
    if score == -math.inf:
        return None
    current, changes = text, 0
    while changes < MAX_CHANGES:
        options = [(ctc.log_likelihood(option) + COMMON_NATS * (changes + 1), option)
                   for i, seen in doubtful if current[i] == text[i]
                   for c in seen
                   for option in [current[:i] + c + current[i + 1:]]]
        if not options:
            break
        best, option = max(options)
        if best < score:
            break
        score, current, changes = best, option, changes + 1
    return current[len(text) - len(name):] if changes else None
