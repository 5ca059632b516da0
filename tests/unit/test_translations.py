"""Every string marked for translation has an English translation with the same placeholders."""

import re
import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
CATALOG = ROOT / "incubator/translations/en/LC_MESSAGES/messages.po"
PLACEHOLDER = re.compile(r"\{[a-z_]+\}")


def extracted(tmp_path) -> set[str]:
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "_",
            "-k",
            "N_",
            "--no-location",
            # Babel skips folders starting with "_" by default; templates/_macros has strings.
            "--ignore-dirs=.*",
            "-o",
            str(pot),
            ".",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    with pot.open("rb") as handle:
        return {str(m.id) for m in read_po(handle) if m.id}


def test_every_marked_string_has_an_english_translation(tmp_path):
    with CATALOG.open("rb") as handle:
        catalog = {str(m.id): str(m.string) for m in read_po(handle) if m.id}
    missing = sorted(m for m in extracted(tmp_path) if not catalog.get(m))
    assert missing == [], "run `make messages` and translate these"


def test_translations_keep_their_placeholders():
    with CATALOG.open("rb") as handle:
        for message in read_po(handle):
            if message.id and message.string:
                assert set(PLACEHOLDER.findall(str(message.id))) == set(
                    PLACEHOLDER.findall(str(message.string))
                ), message.id
