"""Chinese surnames, and the reading of a name's first character against them.

The list is the Song-dynasty Hundred Family Surnames (百家姓, in its order), plus the
modern forms and southern surnames it lacks that are now common (肖 for 萧, 闫 for 阎,
付, 覃, ...). Together they cover nearly every holder of a resident ID card, so a name
read as starting with a character no surname uses ("靠丹红" for 雷丹红) is read against
them, on the recogniser's own evidence, as the region start of an address is (see
parsers.regions).
"""

from __future__ import annotations

import math

from models.ocr.ctc import CtcPosteriors
from showroom_app.documents.parsers.rereading import MIN_SEEN

_HUNDRED_FAMILIES = (
    "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜戚谢邹喻柏水窦章"
    "云苏潘葛奚范彭郎鲁韦昌马苗凤花方俞任袁柳酆鲍史唐费廉岑薛雷贺倪汤滕殷罗毕郝邬安常"
    "乐于时傅皮卞齐康伍余元卜顾孟平黄和穆萧尹姚邵湛汪祁毛禹狄米贝明臧计伏成戴谈宋茅庞"
    "熊纪舒屈项祝董梁杜阮蓝闵席季麻强贾路娄危江童颜郭梅盛林刁钟徐邱骆高夏蔡田樊胡凌霍"
    "虞万支柯昝管卢莫经房裘缪干解应宗丁宣贲邓郁单杭洪包诸左石崔吉钮龚程嵇邢滑裴陆荣翁"
    "荀羊於惠甄曲家封芮羿储靳汲邴糜松井段富巫乌焦巴弓牧隗山谷车侯宓蓬全郗班仰秋仲伊宫"
    "宁仇栾暴甘钭厉戎祖武符刘景詹束龙叶幸司韶郜黎蓟薄印宿白怀蒲邰从鄂索咸籍赖卓蔺屠蒙"
    "池乔阴郁胥能苍双闻莘党翟谭贡劳逄姬申扶堵冉宰郦雍却璩桑桂濮牛寿通边扈燕冀郏浦尚农"
    "温别庄晏柴瞿阎充慕连茹习宦艾鱼容向古易慎戈廖庾终暨居衡步都耿满弘匡国文寇广禄阙东"
    "欧殳沃利蔚越夔隆师巩厍聂晁勾敖融冷訾辛阚那简饶空曾毋沙乜养鞠须丰巢关蒯相查后荆红"
    "游竺权逯盖益桓公岳帅缑亢况有琴商牟佘佴伯赏墨哈谯笪年爱阳佟言福"
)
_MODERN = "肖闫付覃涂冼邝揭粟兰谌代檀邸犹么植"
SINGLE = frozenset(_HUNDRED_FAMILIES + _MODERN)
COMPOUND = frozenset((
    "万俟", "司马", "上官", "欧阳", "夏侯", "诸葛", "闻人", "东方", "赫连", "皇甫", "尉迟",
    "公羊", "澹台", "公冶", "宗政", "濮阳", "淳于", "单于", "太叔", "申屠", "公孙", "仲孙",
    "轩辕", "令狐", "钟离", "宇文", "长孙", "慕容", "鲜于", "闾丘", "司徒", "司空", "亓官",
    "司寇", "子车", "颛孙", "端木", "巫马", "公西", "漆雕", "乐正", "壤驷", "公良", "拓跋",
    "夹谷", "宰父", "谷梁", "段干", "百里", "东郭", "南门", "呼延", "羊舌", "微生", "梁丘",
    "左丘", "东门", "西门", "南宫", "第五",
))
# The hundred-odd commonest surnames of the 2020 census (Ministry of Public Security's
# ranking), about 85 % of holders.
COMMON = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐许韩邓冯曹彭曾肖田董潘袁蔡蒋余于杜叶"
    "程魏苏吕丁任卢姚沈钟姜崔谭陆范汪廖石金韦贾夏付方邹熊白孟秦邱侯江尹薛闫段雷龙黎史陶贺"
    "毛郝顾龚邵万覃武钱戴严欧莫孔向常汤"
)
# Prior odds, in nats, of a surname from the list against a first character outside it:
# fewer than one holder in a thousand has a surname the list lacks (ln 1,000 ≈ 6.9).
SURNAME_PRIOR_NATS = 7.0
# Prior odds of one common surname against one of the ~400 rarer ones of the list:
# 0.85 / 100 of holders each against 0.15 / 400 (ln 23 ≈ 3.1). A rare surname read
# where the recogniser also saw a common one ("昌" for 吕) is read against them.
COMMON_SURNAME_NATS = 3.1


# Peoples whose names do not start with a Han surname (扎西顿珠, 次仁卓玛; the Turkic
# peoples' names are transliterated, 阿依古丽·买买提; a Dai name starts with 岩 for a
# man, 玉 for a woman): the lists' odds hold for none of their names, which are read as
# printed. Most other groups (回, 满, 壮, 土家, 朝鲜, and many Mongols) carry
# Han-character surnames.
WITHOUT_HAN_SURNAMES = frozenset((
    "藏", "维吾尔", "哈萨克", "柯尔克孜", "塔吉克", "乌孜别克", "塔塔尔", "门巴", "珞巴",
    "俄罗斯", "傣",
))


def han_named(name: str, ethnicity: str | None) -> bool:
    """Whether the surname and given-name lists speak for `name`: not a transliterated
    name ("·" between its parts) and not of a people whose names take no Han surname."""
    return "·" not in name and ethnicity not in WITHOUT_HAN_SURNAMES


def is_surname_start(name: str) -> bool:
    return name[:2] in COMPOUND or name[:1] in SINGLE


def read_surname(text: str, name: str, ctc: CtcPosteriors | None) -> str | None:
    """The name with its first character read against the surnames, when the name as
    read (`name`, the end of the line's `text`) starts with no surname, or with a rare
    one, and the recogniser's evidence for the line supports another; otherwise None."""
    if ctc is None or len(name) < 2 or not text.endswith(name):
        return None
    rare = is_surname_start(name)
    if rare and (name[:2] in COMPOUND or name[0] in COMMON):
        return None
    head = text[:len(text) - len(name)]
    free = ctc.log_likelihood(text)
    if free == -math.inf:
        return None
    surnames = _likeliest(ctc, len(head), len(text))
    if rare:  # a listed surname was read: only a common one is likelier a priori
        surnames = [s for s in surnames if s in COMMON]
    if not surnames:  # the line's text is not what the recogniser saw: no evidence
        return None
    score, best = max(
        (ctc.log_likelihood(head + s + name[1:]) + _prior(s, rare), s + name[1:])
        for s in surnames)
    return best if score >= free else None


def _prior(surname: str, rare_read: bool) -> float:
    """Prior odds, in nats, of `surname` against the first character as read: against
    a rare surname, a common one's; against no surname, any listed one's (the same for
    all: a name the list lacks, 买买提 say, is weighed against the list as a whole)."""
    if rare_read:
        return COMMON_SURNAME_NATS if surname in COMMON else 0.0
    return SURNAME_PRIOR_NATS


# Surnames scored in full (a whole-line likelihood each): the ones the recogniser saw
# most of where the first character was read, and at least MIN_SEEN of (less is no
# sighting at all, only the model's floor).
SHORTLIST = 12


def _likeliest(ctc: CtcPosteriors, index: int, length: int) -> list[str]:
    """The SHORTLIST surnames with the highest posterior in the frames where the greedy
    reading put the name's first character; empty when that reading is not the line's
    text."""
    path = ctc.best_path()
    if len(path) != length:
        return []
    _cls, first, last = path[index]
    span = ctc.probs[max(0, first - 1):last + 2]
    scored = []
    for s in SINGLE | COMPOUND:
        i = ctc.classes.get(s[0])
        if i is not None and (p := float(span[:, i].max())) >= MIN_SEEN:
            scored.append((p, s))
    return [s for _p, s in sorted(scored, reverse=True)[:SHORTLIST]]
