"""The languages the mock offers: what `language_list` answers and dubbing accepts."""

from __future__ import annotations

# (code, English name, Chinese name). Codes follow the spec's LanguageCode pattern.
LANGUAGES: tuple[tuple[str, str, str], ...] = (
    ("en", "English", "英语"),
    ("zh", "Chinese", "中文"),
    ("ja", "Japanese", "日语"),
    ("ko", "Korean", "韩语"),
    ("es", "Spanish", "西班牙语"),
    ("fr", "French", "法语"),
    ("de", "German", "德语"),
    ("it", "Italian", "意大利语"),
    ("pt", "Portuguese", "葡萄牙语"),
    ("pt-BR", "Portuguese (Brazil)", "葡萄牙语(巴西)"),
    ("ru", "Russian", "俄语"),
    ("ar", "Arabic", "阿拉伯语"),
    ("hi", "Hindi", "印地语"),
    ("id", "Indonesian", "印尼语"),
    ("vi", "Vietnamese", "越南语"),
    ("th", "Thai", "泰语"),
    ("tr", "Turkish", "土耳其语"),
    ("nl", "Dutch", "荷兰语"),
    ("pl", "Polish", "波兰语"),
    ("sv", "Swedish", "瑞典语"),
    ("uk", "Ukrainian", "乌克兰语"),
    ("ms", "Malay", "马来语"),
    ("fil", "Filipino", "菲律宾语"),
    ("yue", "Cantonese", "粤语"),
)
CODES: frozenset[str] = frozenset(code for code, _, _ in LANGUAGES)
AUTO = "auto"


def language_list(label_lang: str) -> list[dict[str, str]]:
    """`[{value, label}]` with labels in Chinese for `zh`, in English otherwise."""
    column = 2 if label_lang.split("-")[0] == "zh" else 1
    return [{"value": row[0], "label": row[column]} for row in LANGUAGES]
