"""`_()` translates only literal strings written in the code; data goes through text().

A name typed at /register that reached `_()` used to be trusted as markup and formatted with `%`
(a 500 for every staff page, or a tag inside the staff's forms). These tests keep every call site,
in Python and in the templates, a literal.
"""

import ast
from pathlib import Path

from jinja2 import nodes

from incubator.core.i18n import N_, Msgid, set_language, text
from incubator.core.templating import jinja_environment

ROOT = Path(__file__).resolve().parents[2]
TRANSLATING = {"_", "N_", "gettext", "ngettext"}


def python_calls_with_data():
    for path in sorted((ROOT / "incubator").rglob("*.py")):
        if path.name == "i18n.py":  # where the translating functions are defined
            continue
        tree = ast.parse(path.read_text(), str(path))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in TRANSLATING
            ):
                literal = all(
                    isinstance(a, ast.Constant) and isinstance(a.value, str)
                    for a in node.args[: 2 if node.func.id == "ngettext" else 1]
                )
                if not node.args or not literal or node.keywords:
                    yield f"{path.relative_to(ROOT)}:{node.lineno}"


def template_calls_with_data():
    for folder in ("templates", "reports"):
        env = jinja_environment(ROOT / folder)
        for path in sorted((ROOT / folder).rglob("*.html")):
            tree = env.parse(path.read_text(), path.name, str(path))
            for call in tree.find_all(nodes.Call):
                translating = isinstance(call.node, nodes.Name) and call.node.name in TRANSLATING
                literal = call.args and all(
                    isinstance(a, nodes.Const) and isinstance(a.value, str) for a in call.args
                )
                if translating and not literal:
                    yield f"{path.relative_to(ROOT)}:{call.lineno}"


def test_python_translates_only_literal_strings():
    assert list(python_calls_with_data()) == [], "use text(value) for labels that may be data"


def test_templates_translate_only_literal_strings():
    assert list(template_calls_with_data()) == [], "use text(value) for labels that may be data"


def test_text_translates_marked_literals_and_leaves_data_alone():
    set_language("en")
    try:
        assert isinstance(N_("请选择"), Msgid)
        assert text(N_("请选择")) == "Please choose"
        assert text("请选择") == "请选择"  # the same words typed by a user are data
        assert text("100%公益 %s {0}") == "100%公益 %s {0}"
        assert text(None) == ""
    finally:
        set_language("zh-CN")


def test_template_underscore_returns_plain_text_that_autoescape_escapes():
    env = jinja_environment(ROOT / "templates")
    rendered = env.from_string("{{ _('请选择') }}|{{ text(name) }}").render(
        name="<b>x</b> 100% {0}"
    )
    assert rendered == "请选择|&lt;b&gt;x&lt;/b&gt; 100% {0}"
