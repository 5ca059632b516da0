"""For Piccolo's command line (`piccolo migrations new incubator --auto`), run from the repo root.

The app itself reads `incubator.piccolo_conf`; this file only re-exports it.
"""

from incubator.piccolo_conf import APP_REGISTRY, DB

__all__ = ["APP_REGISTRY", "DB"]
