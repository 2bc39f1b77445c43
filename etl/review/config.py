"""Review configuration: thresholds, severities and the grade policy live in a TOML file
under data/ so that a finance bureau can tune them without touching code."""

from __future__ import annotations

import copy
import tomllib
from pathlib import Path
from typing import Any

from etl.vocabulary import grades, severities

DEFAULT_PATH = Path(__file__).resolve().parents[2] / "data" / "review_rules.toml"
# Word lists (vague words, synonyms, unit classes) live apart from thresholds; they become
# the [vocabulary] section, which a user rules file may override like any other section.
VOCABULARY_PATH = DEFAULT_PATH.with_name("review_vocabulary.toml")
SEVERITIES = severities()  # one vocabulary: data/vocabulary/severities.toml
GRADES = grades()  # one vocabulary: data/vocabulary/roles.toml [graded]

_cache: dict[tuple[str, float], dict] = {}


class ConfigError(ValueError):
    """The rules file is missing or invalid; ``str()`` is a one-line Chinese reason."""


def _read(path: Path) -> dict:
    try:
        stat = path.stat()
    except OSError as exc:
        raise ConfigError(f"审核规则文件无法读取：{path}（{exc.strerror or exc}）") from None
    cache_key = (str(path), stat.st_mtime)
    if cache_key not in _cache:
        try:
            with path.open("rb") as handle:
                _cache[cache_key] = tomllib.load(handle)
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"审核规则文件格式错误：{path}（{exc}）") from None
    return copy.deepcopy(_cache[cache_key])


def _merge(base: dict, override: dict) -> dict:
    """Deep merge so that a user file only needs the keys it changes."""
    for name, value in override.items():
        if isinstance(value, dict) and isinstance(base.get(name), dict):
            _merge(base[name], value)
        else:
            base[name] = value
    return base


def _check_severity(value: Any, where: str) -> None:
    if value not in SEVERITIES:
        raise ConfigError(f"审核规则配置错误：{where} = {value!r}，严重程度只能是 严重/一般/提示")


def _check_grade(value: Any, where: str) -> None:
    if value not in GRADES:
        raise ConfigError(f"审核规则配置错误：{where} = {value!r}，评级只能是 优/良/中/差")


def validate(config: dict) -> dict:
    """Reject typos early: a misspelt severity would otherwise silently score zero."""
    grading = config.get("grading")
    if not isinstance(grading, dict):
        raise ConfigError("审核规则配置错误：缺少 [grading] 评级办法")
    for severity in grading.get("penalty", {}):
        _check_severity(severity, "grading.penalty")
    for severity, grade in grading.get("severity_caps", {}).items():
        _check_severity(severity, "grading.severity_caps")
        _check_grade(grade, f"grading.severity_caps.{severity}")
    for rule, grade in grading.get("rule_caps", {}).items():
        _check_grade(grade, f"grading.rule_caps.{rule}")
    for grade in grading.get("bands", {}):
        _check_grade(grade, "grading.bands")
    for rule_id, section in config.get("rules", {}).items():
        for name, value in section.items():
            if name == "severity" and isinstance(value, dict):
                for level, severity in value.items():
                    _check_severity(severity, f"rules.{rule_id}.severity.{level}")
            elif name == "severity" or name.endswith("_severity"):
                _check_severity(value, f"rules.{rule_id}.{name}")
    return config


def load_config(path: str | Path | None = None) -> dict:
    """The bundled defaults, overlaid with ``path`` when given (partial files are fine)."""
    config = _read(DEFAULT_PATH)
    config["vocabulary"] = _read(VOCABULARY_PATH)
    if path is not None and Path(path).resolve() != DEFAULT_PATH:
        _merge(config, _read(Path(path)))
    return validate(config)


_default: dict[float, dict] = {}


def default_config() -> dict:
    """The bundled configuration, validated once per file version and shared (read-only):
    the loader reviews tens of thousands of documents and a deep copy each time costs more
    than some rules."""
    mtime = DEFAULT_PATH.stat().st_mtime + VOCABULARY_PATH.stat().st_mtime
    if mtime not in _default:
        _default.clear()
        _default[mtime] = load_config()
    return _default[mtime]
