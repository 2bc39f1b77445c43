"""Label normalisation (etl.normalize.label_key) and the vocabulary lookups built on it.

Property tests: whatever noise a document adds around a known label (spaces inside it,
full-width punctuation, `*`/★ markers, `(450字内)` hints, a trailing colon, Traditional
characters), the label keeps its role."""

from __future__ import annotations

import tomllib
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from etl.normalize import clean_name, label_key, split_fused_code, to_simplified
from etl.vocabulary import VOCABULARY_DIR, column_role, label_role, level1_of, level2_of

ROLES = tomllib.loads((VOCABULARY_DIR / "roles.toml").read_text(encoding="utf-8"))
COLUMN_LABELS = sorted(
    (label, role)
    for role, labels in ROLES["columns"].items()
    for label in labels
    if column_role(label)[0] == role  # a label listed under two roles belongs to the first
)
KEY_LABELS = sorted(
    (label, role)
    for role, labels in ROLES["labels"].items()
    for label in labels
    if label_role(label)[0] == role
)
TRADITIONAL = {
    pair[1]: pair[0]
    for pair in tomllib.loads((VOCABULARY_DIR / "traditional.toml").read_text("utf-8"))["pairs"]
}
FULL_WIDTH = str.maketrans({"(": "（", ")": "）", ":": "：", ",": "，", "/": "／"})


def test_every_vocabulary_label_has_its_role():
    assert len(COLUMN_LABELS) > 60 and len(KEY_LABELS) > 80
    for label, role in KEY_LABELS:
        assert label_role(label)[0] == role, label


@st.composite
def spaced(draw, text: str) -> str:
    """``text`` with spaces, full-width spaces or line breaks inserted between characters."""
    out = []
    for char in text:
        out.append(char)
        out.append(draw(st.sampled_from(["", "", "", " ", "\u3000", "\n", "  "])))
    return "".join(out)


@settings(max_examples=150, deadline=None)
@given(data=st.data(), pick=st.integers(min_value=0))
def test_noise_around_a_column_label_keeps_its_role(data, pick):
    label, role = COLUMN_LABELS[pick % len(COLUMN_LABELS)]
    noisy = data.draw(spaced(label))
    if data.draw(st.booleans()):
        noisy = noisy.translate(FULL_WIDTH)
    noisy = data.draw(st.sampled_from(["", "*", "★", "＊"])) + noisy
    noisy += data.draw(st.sampled_from(["", "(150字内)", "（450字内）", ":", "："]))
    assert column_role(noisy)[0] == role, (label, noisy)


@settings(max_examples=150, deadline=None)
@given(data=st.data(), pick=st.integers(min_value=0))
def test_noise_around_a_key_value_label_keeps_its_role(data, pick):
    label, role = KEY_LABELS[pick % len(KEY_LABELS)]
    noisy = data.draw(spaced(label))
    if data.draw(st.booleans()):
        noisy = noisy.translate(FULL_WIDTH)
    noisy = data.draw(st.sampled_from(["", "*", "其中:", "其中：", "二、", "(3)"])) + noisy
    noisy += data.draw(st.sampled_from(["", ":", "：", "（450字内）"]))
    assert label_role(noisy)[0] == role, (label, noisy)


@settings(max_examples=100, deadline=None)
@given(pick=st.integers(min_value=0))
def test_traditional_labels_keep_their_role(pick):
    label, role = COLUMN_LABELS[pick % len(COLUMN_LABELS)]
    traditional = "".join(TRADITIONAL.get(char, char) for char in label)
    assert column_role(traditional)[0] == role, traditional


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40))
def test_label_key_has_no_whitespace_and_is_nfkc(text):
    folded = label_key(text)
    assert not any(char.isspace() for char in folded)
    assert folded == unicodedata.normalize("NFKC", folded)


@pytest.mark.parametrize(
    ("printed", "expected"),
    [
        ("总 体 目 标", "总体目标"),
        ("一级 指标", "一级指标"),
        ("年度目标(450字内)", "年度目标"),
        ("项目起止时间(如20190101)", "项目起止时间"),
        ("*指标值", "指标值"),
        ("指標值類型", "指标值类型"),
        ("其中：财政拨款", "财政拨款"),
        ("二、自有资金:", "自有资金"),
        ("受益建档立卡人口数≥**人", "受益建档立卡人口数"),
        ("★★★发放人数(≥**人)", "发放人数"),
    ],
)
def test_label_key_examples(printed, expected):
    assert label_key(printed) == expected


@pytest.mark.parametrize(
    ("printed", "code", "name"),
    [
        ("[015001]某市某区教育局", "015001", "某市某区教育局"),
        ("【610001】某某农业公司", "610001", "某某农业公司"),
        ("820001-某某县某某镇人民政府", "820001", "某某县某某镇人民政府"),
        ("219-某某镇人民政府", "219", "某某镇人民政府"),
        ("2021年工作计划", None, "2021年工作计划"),
        ("某某镇人民政府", None, "某某镇人民政府"),
    ],
)
def test_fused_codes_are_split(printed, code, name):
    assert split_fused_code(printed) == (code, name)


@pytest.mark.parametrize(
    ("printed", "name"),
    [
        ("新建便道里程( ≥**公里 )", "新建便道里程"),
        ("*便道工程验收合格率100%", "便道工程验收合格率100%"),
        ("★农村低保标准(≥**元/人·月)", "农村低保标准"),
        ("指标1:租车次数(次)", "租车次数(次)"),
        ("开展修复工程(个)", "开展修复工程(个)"),
    ],
)
def test_indicator_names_lose_markers_and_placeholders_only(printed, name):
    assert clean_name(printed) == name


@pytest.mark.parametrize(
    ("printed", "level1", "level2"),
    [
        ("产出 指标", "产出指标", None),
        ("预期产出指标", "产出指标", None),
        ("效果指标", "效益指标", None),
        ("產出指標", "产出指标", None),
        ("产出指标(50分)", "产出指标", None),
        ("环境效益指标", None, "生态效益指标"),
        ("时效指标(工期指标、形象进度指标)", None, "时效指标"),
        ("数量指标(或建筑规模指标)", None, "数量指标"),
        ("社会公众或服务对象满意度指标", "满意度指标", "服务对象满意度指标"),
        ("经济成本指标", None, "成本指标"),
    ],
)
def test_level_names_from_the_vocabulary(printed, level1, level2):
    assert level1_of(printed) == level1
    assert level2_of(printed) == level2


def test_simplified_conversion_leaves_other_text_alone():
    assert to_simplified("邯鄲市叢臺區") == "邯郸市丛台区"
    assert to_simplified("abc 123 开平镇") == "abc 123 开平镇"
