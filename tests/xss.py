"""One corpus of script payloads, reused by the API round-trip tests (stored unchanged,
returned JSON-encoded) and the browser tests (rendered inert). Each payload that ran would
set `window.__pwned`."""

PAYLOADS: tuple[str, ...] = (
    "<script>window.__pwned=1</script>",
    '<img src=x onerror="window.__pwned=2">',
    "<svg onload=window.__pwned=3>",
    '"><iframe src="javascript:window.parent.__pwned=4"></iframe>',
    "javascript:window.__pwned=5",
    "<a href=\"javascript:window.__pwned=6\">link</a>",
    "[click](javascript:window.__pwned=7)",
    "<details open ontoggle=window.__pwned=8>",
    "{{constructor.constructor('window.__pwned=9')()}}",
    "${window.__pwned=10}",
    "</textarea><script>window.__pwned=11</script>",
    "<style>body{background:url(javascript:window.__pwned=12)}</style>",
    "&lt;img src=x onerror=window.__pwned=13&gt;",
    "<math><mi xlink:href=\"javascript:window.__pwned=14\">x</mi></math>",
    "\u202e<b onmouseover=window.__pwned=15>rtl</b>",
)

ALL = " ".join(PAYLOADS)
