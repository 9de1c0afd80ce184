"""The register's columns: the header texts street offices use for each, and the layout the template and the export
write (so an exported file imports back unchanged)."""

import re
import unicodedata
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # what the template and the export write
    synonyms: tuple[str, ...]
    help: str | Promise
    example: str


COLUMNS: tuple[Column, ...] = (
    Column("name", "姓名", ("姓名", "名字", "居民姓名"), _("Required."), "周丽君"),
    Column(
        "id_number",
        "公民身份号码",
        ("公民身份号码", "身份证号", "身份证号码", "身份证件号码", "证件号码", "身份号码"),
        _("Required: 18 characters. Format the column as text so Excel keeps every digit."),
        "330109195003080016",
    ),
    Column("sex", "性别", ("性别",), _("男 or 女; must agree with the ID number. May be left empty."), "女"),
    Column(
        "birth_date",
        "出生日期",
        ("出生日期", "出生年月日", "出生年月"),
        _("A date such as 1950-03-08, 1950/3/8, 1950.03.08 or 19500308; must agree with the ID number."),
        "1950-03-08",
    ),
    Column(
        "mobile",
        "联系电话",
        ("联系电话", "手机号码", "手机号", "手机", "联系方式", "电话"),
        _("A mainland mobile number (11 digits); spaces, dashes and +86 are fine."),
        "138 0000 0000",
    ),
    Column("neighbourhood", "小区", ("小区", "小区名称", "所在小区"), _("The 小区 the building is in."), "市北一区"),
    Column(
        "building",
        "楼栋",
        ("楼栋", "楼幢", "幢号", "楼号", "楼栋号", "幢"),
        _("The building's name, or its number within the 小区: 32, 32幢, 32号楼 or 32栋."),
        "1幢",
    ),
    Column("unit", "单元", ("单元", "单元号"), _("The entrance (单元) number, e.g. 2."), "1"),
    Column("room", "室号", ("室号", "门牌号", "房号", "房间号", "户号"), _("The room, e.g. 301."), "101"),
    Column(
        "relation",
        "与户主关系",
        ("与户主关系", "户主关系", "关系"),
        _("户主, 配偶, 子女, 儿媳/女婿, 父母, 公婆/岳父母, 孙子女, 祖父母, 兄弟姐妹 or 其他."),
        "户主",
    ),
    Column(
        "is_owner",
        "是否业主",
        ("是否业主", "业主", "是否产权人"),
        _("是 for the owner of the home (业主, who votes where only owners vote); 否 or empty otherwise."),
        "是",
    ),
    Column(
        "residence",
        "人户状态",
        ("人户状态", "人户情况", "居住状态"),
        _("人户一致, 人在户不在 or 户在人不在."),
        "人户一致",
    ),
    Column("hukou_address", "户籍地址", ("户籍地址", "户籍地", "户口所在地"), _("At most 200 characters."), ""),
    Column(
        "categories",
        "人员类别",
        ("人员类别", "标签", "人员标签", "特殊人群", "人群类别"),
        _("Any of 党员 and the sensitive categories (独居老人, 空巢老人, 残疾人, 低保…), separated by 、 ， ; or ,."),
        "独居老人、党员",
    ),
    Column(
        "moved_in_on",
        "迁入日期",
        ("迁入日期", "迁入时间", "入住日期"),
        _("The day the person moved in; leave it empty for a person here before the register began."),
        "",
    ),
    Column("status", "人员状态", ("人员状态", "在册状态"), _("在册, or 迁出 for a person who has moved out."), "在册"),
    Column(
        "moved_out_on",
        "迁出日期",
        ("迁出日期", "迁出时间"),
        _("The day the person moved out (they stay on the register, marked 迁出)."),
        "",
    ),
    Column("note", "备注", ("备注", "说明"), _("At most 500 characters."), ""),
)
BY_KEY = {c.key: c for c in COLUMNS}
REQUIRED = ("name", "id_number")

_BRACKETS = re.compile(r"[(\[【（].*$")


def header_key(text: str) -> str:
    """Fold a header cell for matching: full-width → half-width, no spaces or stars, nothing after a bracket
    ("出生日期（年-月-日）" is 出生日期)."""
    folded = unicodedata.normalize("NFKC", text)
    folded = re.sub(r"[\s*＊:：]", "", folded)
    return _BRACKETS.sub("", folded).lower()


SYNONYMS: dict[str, str] = {header_key(s): c.key for c in COLUMNS for s in (c.header, *c.synonyms)}

# 与户主关系: the words registers use, folded to the model's choices.
RELATION_WORDS: dict[str, str] = {}
for _code, _words in {
    "head": "户主 本人 户主本人",
    "spouse": "配偶 妻 妻子 夫 丈夫 夫妻 爱人 老伴",
    "child": "子 女 子女 儿子 女儿 长子 次子 三子 长女 次女 三女 独子 独女 养子 养女 继子 继女 之子 之女",
    "child_in_law": "儿媳 女婿 媳妇 儿媳妇 子媳",
    "parent": "父亲 母亲 父母 父 母",
    "parent_in_law": "公公 婆婆 岳父 岳母 公婆 岳父母",
    "grandchild": "孙子 孙女 外孙 外孙子 外孙女 孙子女 长孙 长孙女",
    "grandparent": "祖父 祖母 外祖父 外祖母 爷爷 奶奶 外公 外婆 祖父母",
    "sibling": "兄 弟 姐 妹 哥哥 弟弟 姐姐 妹妹 兄弟 姐妹 兄弟姐妹",
    "other": "其他 其它 租户 租客 亲属 其他亲属 保姆 寄住",
}.items():
    for _word in _words.split():
        RELATION_WORDS[_word] = _code
RELATION_EXPORT = {
    "head": "户主",
    "spouse": "配偶",
    "child": "子女",
    "child_in_law": "儿媳/女婿",
    "parent": "父母",
    "parent_in_law": "公婆/岳父母",
    "grandchild": "孙子女",
    "grandparent": "祖父母",
    "sibling": "兄弟姐妹",
    "other": "其他",
}
for _code, _word in RELATION_EXPORT.items():
    RELATION_WORDS[_word] = _code
    RELATION_WORDS[_code] = _code

RESIDENCE_WORDS = {"人户一致": "consistent", "人在户不在": "registered_elsewhere", "户在人不在": "lives_elsewhere"}
RESIDENCE_EXPORT = {v: k for k, v in RESIDENCE_WORDS.items()}
for _code in RESIDENCE_EXPORT:
    RESIDENCE_WORDS[_code] = _code

YES_WORDS = frozenset({"是", "业主", "yes", "y", "1", "true", "√"})
NO_WORDS = frozenset({"否", "", "no", "n", "0", "false", "×"})
PARTY_WORDS = frozenset({"党员", "中共党员", "共产党员", "中国共产党党员", "预备党员"})
# Other names registers use for the sensitive categories (the tags' own Chinese names and codes always work).
TAG_ALIASES = {
    "独居": "elderly_living_alone",
    "独居老年人": "elderly_living_alone",
    "空巢": "empty_nest_elderly",
    "空巢老年人": "empty_nest_elderly",
    "残疾": "disabled",
    "残障人士": "disabled",
    "低保": "low_income",
    "低保对象": "low_income",
    "低保人员": "low_income",
    "优抚": "special_care",
    "重病": "serious_illness",
    "大病": "serious_illness",
    "退伍军人": "veteran",
    "复员军人": "veteran",
}

STATUS_MOVED_OUT = frozenset({"迁出", "已迁出", "moved_out"})
STATUS_PRESENT = frozenset({"在册", "正常", "在住", "现住", "常住", ""})
