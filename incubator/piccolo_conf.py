"""Piccolo configuration (PICCOLO_CONF points here); core.db.bind_engine rebinds `DB`."""

import os

from piccolo.conf.apps import AppRegistry

from incubator.core.db import engine_from_url

DB = engine_from_url(os.environ.get("INCUBATOR_DATABASE_URL") or "sqlite:///var/incubator.sqlite3")

APP_REGISTRY = AppRegistry(apps=["incubator.piccolo_app"])
