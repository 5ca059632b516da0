"""The injection corpus: text that breaks out of HTML, attributes, URLs, CSS, templates and format
strings, or strains storage and layout. Payloads that could make markup carry an element with
`id="inj-N"` or set `window.__pwned = N`; a page that shows one literally makes neither.
"""

from __future__ import annotations

MARKER_PREFIX = "inj-"

_RAW = (
    # HTML
    '<b id="inj-{n}">粗体</b>',
    "<script>window.__pwned={n}</script>",
    '<img id="inj-{n}" src=x onerror="window.__pwned={n}">',
    '<svg id="inj-{n}" onload="window.__pwned={n}"></svg>',
    "<svg><script>window.__pwned={n}</script></svg>",
    '<iframe id="inj-{n}" srcdoc="<script>parent.__pwned={n}</script>"></iframe>',
    '<details id="inj-{n}" open ontoggle="window.__pwned={n}">',
    '<!--<b id="inj-{n}">-->注释',
    '<math><mi id="inj-{n}" xlink:href="javascript:window.__pwned={n}">m</mi></math>',
    '<a id="inj-{n}" href="javascript:window.__pwned={n}">点我</a>',
    '<form id="inj-{n}" action="/logout" method="post"><button>x</button></form>',
    '<base id="inj-{n}" href="//evil.example/">',
    '<meta id="inj-{n}" http-equiv="refresh" content="0;url=javascript:window.__pwned={n}">',
    '<style id="inj-{n}">body{{display:none}}</style>',
    '<link id="inj-{n}" rel="stylesheet" href="//evil.example/x.css">',
    '<noscript><p title="</noscript><b id=inj-{n}>x</b>">',
    '<xmp><b id="inj-{n}">x</b></xmp>',
    # breaking out of the element the template put the text in
    '</option></select><b id="inj-{n}">x</b>',
    '公益</option></select><b id="inj-{n}">INJECTED</b>',
    '</textarea><b id="inj-{n}">x</b>',
    '</title><b id="inj-{n}">x</b>',
    '</script><b id="inj-{n}">x</b>',
    '</td></tr></table><b id="inj-{n}">x</b>',
    '"><b id="inj-{n}">x</b>',
    '\'><b id="inj-{n}">x</b>',
    '" onmouseover="window.__pwned={n}" id="inj-{n}',
    "' onfocus='window.__pwned={n}' autofocus id='inj-{n}",
    '" autofocus onfocus="window.__pwned={n}" x="',
    "`><b id=inj-{n}>x</b>",
    # URLs
    "javascript:window.__pwned={n}",
    "JaVaScRiPt:window.__pwned={n}//",
    "data:text/html,<script>window.__pwned={n}</script>",
    " javascript:window.__pwned={n}",
    # CSS
    "expression(window.__pwned={n})",
    "red;background:url(javascript:window.__pwned={n})",
    '</style><b id="inj-{n}">x</b>',
    # templates
    "{{{{ 7*7 }}}}",
    "{{% for x in range(3) %}}{{{{ x }}}}{{% endfor %}}",
    "{{{{ config }}}}{{{{ self.__init__.__globals__ }}}}",
    "${{7*7}} #{{7*7}} <%= 7*7 %>",
    "{{{{ '<b id=\"inj-{n}\">x</b>' | safe }}}}",
    # format strings
    "%s %(x)s {{0}} {{}} %d %%",
    "100%公益",
    "%(label)s%(name)s {{label}} {{n}}",
    "%n%n%n%x%p",
    # control characters and direction marks
    '第一行\r\n第二行<b id="inj-{n}">x</b>',
    "主题\r\nBcc: attacker@example.com",
    "空\x00字符",
    "\u202e公益组织\u202c名称\u200f\u200e\u2066x\u2069",
    "\ufeff零宽\u200b\u200c\u200d字符",
    # size and scripts
    "长" * 10_000,
    "A" * 201,
    "公益组织🎉👩‍👩‍👧‍👦🇨🇳",
    "𠀀𠀁𪚥𰻞𰻞面",
    "Ｆｕｌｌ　ｗｉｄｔｈ　＜ｂ＞",
    # quotes and escapes
    "\"双引号\" '单引号' `反引号` \\反斜杠\\ &amp; &lt;b&gt;",
    '&#60;b id="inj-{n}"&#62;x&#60;/b&#62;',
    "'; DROP TABLE organization; --",
    '" OR 1=1 --',
)

PAYLOADS: tuple[str, ...] = tuple(p.format(n=n) for n, p in enumerate(_RAW))


def marker(n: int) -> str:
    return f"{MARKER_PREFIX}{n}"
