"""Configuration in one place: every setting comes from an environment variable with a safe default."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _float(name: str, default: float) -> float:
    try:
        return float(os.environ.get(name, default))
    except ValueError:
        return default


@dataclass(frozen=True)
class Settings:
    knowledge_dir: Path
    redis_url: Optional[str]
    data_dir: Path
    faq_threshold: float
    knowledge_reload_seconds: float
    hotline: str
    portal_url: str


def load_settings() -> Settings:
    return Settings(
        knowledge_dir=Path(os.environ.get("KNOWLEDGE_DIR", PROJECT_ROOT / "knowledge")),
        redis_url=os.environ.get("REDIS_URL") or None,
        data_dir=Path(os.environ.get("DATA_DIR", PROJECT_ROOT / "var")),
        faq_threshold=_float("FAQ_THRESHOLD", 0.35),
        knowledge_reload_seconds=_float("KNOWLEDGE_RELOAD_SECONDS", 2.0),
        hotline=os.environ.get("HOTLINE", "18001096"),
        portal_url=os.environ.get("PORTAL_URL", "https://dichvucong.gov.vn"),
    )
