"""Writes the synthetic site of bench/crunch.sh: python3 crunch_site.py DIR PAGES.

Pages go in sections of 100 (s000/, s001/, ...), each with an index page;
every page carries front matter, a table, a list, code, and links to its
neighbours, to the next section and to a heading anchor of another page,
so crunch's link and anchor checks have real work to do.
"""
import os
import sys

root, total = sys.argv[1], int(sys.argv[2])
per_section = 100
sections = max(1, (total + per_section - 1) // per_section)

def write(rel, text):
    path = os.path.join(root, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)

write("_config.toml", 'base_url = "https://bench.example/"\ntitle = "Bench"\nfeeds = ["/s000/"]\n')
write("_template.html", """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{{title}}</title>{{meta}}
<link rel="stylesheet" href="/style.css"></head>
<body data-path="{{path}}"><nav><a href="/">Home</a></nav>{{toc}}<main>{{content}}</main></body></html>
""")
write("style.css", "body { font-family: sans-serif; max-width: 50em; margin: auto; }\n" * 20)
write("index.md", "# Bench\n\n" + "".join("- [Section %d](/s%03d/)\n" % (s, s) for s in range(sections)))

body = """
## Overview

This page exists to measure crunch. It has *emphasis*, **strong text**,
`code`, ~~struck text~~ and a link to www.example.org, in a paragraph long
enough to look like documentation rather than a placeholder line of text.

## Details

| Flag | Default | Meaning |
|------|--------:|---------|
| `--site` | none | the site directory |
| `--zones` | none | the zones directory |
| `-o` | none | the blob to write |

1. First, the site is walked.
2. Then every page is parsed, its links checked.
3. Last, the blob is written.

```c
static int answer(const struct request *r)
{
    return r->method == GET ? 200 : 405;
}
```

### Notes

> A quoted note, with a [link back home](/) and one to [the section](./).

Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod
tempor incididunt ut labore et dolore magna aliqua. Ut enim ad minim veniam,
quis nostrud exercitation ullamco laboris nisi ut aliquip ex ea commodo
consequat. Duis aute irure dolor in reprehenderit in voluptate velit esse
cillum dolore eu fugiat nulla pariatur.

## Details

A second heading of the same name, so its anchor is numbered.
"""

n = 0
for s in range(sections):
    write("s%03d/index.md" % s, "+++\ntitle = \"Section %d\"\n+++\n\n# Section %d\n\nPages of section %d.\n" % (s, s, s))
    for p in range(per_section):
        if n >= total:
            break
        n += 1
        nxt = (s + 1) % sections
        text = ("+++\ntitle = \"Page %d of section %d\"\ndescription = \"Synthetic page %d\"\n"
                "date = 2026-%02d-%02dT%02d:%02d:00Z\n+++\n\n# Page %d of section %d\n\n"
                "See [the previous page](p%03d), [the next section](/s%03d/p000) and "
                "[its details](/s%03d/p001#details-1).\n" %
                (p, s, n, 1 + p % 12, 1 + p % 28, p % 24, s % 60, p, s,
                 max(p - 1, 0), nxt, nxt))
        write("s%03d/p%03d.md" % (s, p), text + body)
