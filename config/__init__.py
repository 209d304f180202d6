"""Hearth's settings: embedded defaults, then an optional TOML file, then the environment."""

from config.settings import (
    DEV_SECRET_KEY,
    SETTINGS_DOC,
    ConfigError,
    Settings,
    load_settings,
    prepare_instance_folder,
)

__all__ = ["Settings", "ConfigError", "load_settings", "prepare_instance_folder", "DEV_SECRET_KEY", "SETTINGS_DOC"]
