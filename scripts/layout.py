#!/usr/bin/env python3
"""The shape of the code, measured: import circles among our own modules, files over 800 lines,
functions over 120 lines (outside tests), and imports from the `server` crate into
`app::features`. Prints what it finds; `--check` exits 1 when anything is over the line.

    python3 scripts/layout.py [--check | --check-imports]

Modules are the files under app/src, server/src and migrations/src (generated sea-orm entities
left out). An import is a `use crate::…`, `use super::…` or `use app::…` path, or such a path
written inline (`crate::ssr::db::catalog::find(…)`), resolved to the deepest module file that
exists. Two modules are in a circle when each reaches the other through imports.
"""

import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CRATES = {"app": "app/src", "server": "server/src", "migrations": "migrations/src"}
MAX_FILE_LINES = 800
MAX_FN_LINES = 120
GENERATED = "app/src/ssr/db/entities"


def module_files():
    """(crate, module path tuple) -> file path, for every .rs file of our crates."""
    out = {}
    for crate, src in CRATES.items():
        base = os.path.join(ROOT, src)
        for dirpath, _, files in os.walk(base):
            for f in files:
                if not f.endswith(".rs"):
                    continue
                path = os.path.join(dirpath, f)
                rel = os.path.relpath(path, base)[:-3].split(os.sep)
                if rel in (["lib"], ["main"]):
                    mod = ()
                elif rel[-1] == "mod":
                    mod = tuple(rel[:-1])
                else:
                    mod = tuple(rel)
                out[(crate, mod)] = path
    return out


def strip_comments(text):
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    return "\n".join(line.split("//")[0] if "\"" not in line else line for line in text.splitlines())


def test_modules(text):
    """Names of `mod x;` declared under #[cfg(test)] in a file (their files are tests)."""
    return set(
        re.findall(
            r"#\[cfg\((?:test|any\(test[^\]]*)\)\]\s*(?:pub(?:\([^)]*\))?\s+)?mod\s+(\w+)\s*;",
            text,
        )
    )


PATH = re.compile(r"\b(crate|super|self|app)((?:::\w+)+)")
USE_GROUP = re.compile(r"\buse\s+(crate|super|self|app)::([^;]+);", re.S)


def expand_group(prefix, body):
    """`a::{b, c::{d, e}}` -> ['a::b', 'a::c::d', 'a::c::e'] (roughly; enough for module paths)."""
    body = body.strip()
    brace = body.find("{")
    if brace < 0:
        return [prefix + body]
    head = body[:brace]
    inner = body[brace + 1 : body.rfind("}")]
    parts, depth, cur = [], 0, ""
    for ch in inner:
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append(cur)
            cur = ""
        else:
            cur += ch
    parts.append(cur)
    out = []
    for p in parts:
        p = p.strip()
        if p:
            out.extend(expand_group(prefix + head, p))
    return out


def resolve(crate, mod, root, segments, files):
    """The module a path names, from module `mod` of `crate`."""
    if root == "app":
        crate, base = "app", ()
    elif root == "crate":
        base = ()
    elif root == "super":
        base = mod[:-1]
        while segments and segments[0] == "super":
            base = base[:-1]
            segments = segments[1:]
    else:  # self
        base = mod
    target = None
    path = list(base)
    if (crate, tuple(path)) in files:
        target = tuple(path)
    for seg in segments:
        path.append(seg)
        if (crate, tuple(path)) in files:
            target = tuple(path)
        else:
            break
    return (crate, target) if target is not None else None


def test_module_names(files):
    """The modules declared as test code (`#[cfg(test)]` or `#[cfg(any(test, …))]`)."""
    tests = set()
    for (crate, mod), path in files.items():
        text = open(path, encoding="utf-8").read()
        for name in test_modules(text):
            tests.add((crate, mod + (name,)))
    return tests


def graph(files):
    edges = {}
    tests = set()
    for (crate, mod), path in files.items():
        text = open(path, encoding="utf-8").read()
        for name in test_modules(text):
            tests.add((crate, mod + (name,)))
    for (crate, mod), path in files.items():
        if path.startswith(os.path.join(ROOT, GENERATED)):
            continue
        if any(mod[: len(t[1])] == t[1] and crate == t[0] for t in tests):
            continue
        text = strip_comments(open(path, encoding="utf-8").read())
        # Everything after a #[cfg(test)] module block is test code: cut it off.
        cut = re.search(r"#\[cfg\(test\)\]\s*mod\s+\w+\s*\{", text)
        if cut:
            text = text[: cut.start()]
        targets = set()
        for m in USE_GROUP.finditer(text):
            for p in expand_group("", m.group(2)):
                segs = [s for s in p.split("::") if s and s != "self" and not s.startswith("*")]
                segs = [s.split(" as ")[0].strip() for s in segs]
                t = resolve(crate, mod, m.group(1), segs, files)
                if t:
                    targets.add(t)
        for m in PATH.finditer(text):
            segs = [s for s in m.group(2).split("::") if s]
            t = resolve(crate, mod, m.group(1), segs, files)
            if t:
                targets.add(t)
        me = (crate, mod)
        # A module using its own ancestors' items or its own children is not a circle.
        edges[me] = {
            t
            for t in targets
            if t != me
            and not (t[0] == crate and mod[: len(t[1])] == t[1])
            and not (t[0] == crate and t[1][: len(mod)] == mod)
            and not t[1][:3] == ("ssr", "db", "entities")
        }
    return edges


def circles(edges):
    """Strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = [0]
    sys.setrecursionlimit(10000)

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in list(edges):
        if v not in index:
            visit(v)
    return out


def name(node):
    crate, mod = node
    return crate + ("::" + "::".join(mod) if mod else "")


def long_functions(path):
    """(line, name, length) of functions over MAX_FN_LINES, outside #[cfg(test)] and test files."""
    lines = open(path, encoding="utf-8").read().splitlines()
    out = []
    in_tests_from = None
    for i, line in enumerate(lines):
        if re.match(r"\s*#\[cfg\(test\)\]", line) and i + 1 < len(lines) and re.match(r"\s*(pub\s+)?mod\s+\w+\s*\{", lines[i + 1]):
            in_tests_from = i
            break
    limit = in_tests_from if in_tests_from is not None else len(lines)
    i = 0
    while i < limit:
        m = re.match(r"\s*(?:pub(?:\([^)]*\))?\s+)?(?:const\s+)?(?:async\s+)?fn\s+(\w+)", lines[i])
        if m:
            depth, started, j = 0, False, i
            while j < len(lines):
                code = lines[j].split("//")[0]
                depth += code.count("{") - code.count("}")
                if "{" in code:
                    started = True
                if started and depth <= 0:
                    break
                if not started and code.rstrip().endswith(";"):
                    break
                j += 1
            length = j - i + 1
            if started and length > MAX_FN_LINES:
                out.append((i + 1, m.group(1), length))
            i = j + 1 if started else i + 1
        else:
            i += 1
    return out


def is_test_file(path):
    rel = os.path.relpath(path, ROOT)
    return "/tests/" in "/" + rel or rel.endswith("/tests.rs") or "/tests/" in rel


def main():
    check = "--check" in sys.argv
    files = module_files()
    edges = graph(files)
    found = circles(edges)
    print(f"import circles among {len(edges)} modules: {len(found)}")
    for comp in found:
        print("  " + " <-> ".join(name(n) for n in comp))
    server_into_features = [
        (name(src), name(dst))
        for src, targets in edges.items()
        for dst in targets
        if dst[0] == "app" and dst[1][:1] == ("features",) and src[0] == "server"
    ]
    print(f"imports from server into app::features: {len(server_into_features)}")
    for src, dst in sorted(server_into_features):
        print(f"  {src} -> {dst}")
    test_files = {files[t] for t in test_module_names(files) if t in files}
    big = []
    longs = []
    for path in sorted(set(files.values())):
        if path.startswith(os.path.join(ROOT, GENERATED)):
            continue
        n = sum(1 for _ in open(path, encoding="utf-8"))
        rel = os.path.relpath(path, ROOT)
        if n > MAX_FILE_LINES:
            big.append((rel, n))
        if not is_test_file(path) and path not in test_files:
            for line, fname, length in long_functions(path):
                longs.append((rel, line, fname, length))
    print(f"files over {MAX_FILE_LINES} lines: {len(big)}")
    for rel, n in big:
        print(f"  {rel} ({n})")
    print(f"functions over {MAX_FN_LINES} lines outside tests: {len(longs)}")
    for rel, line, fname, length in longs:
        print(f"  {rel}:{line} {fname} ({length})")
    # `--check-imports`: only the import rules (what `make test` holds the tree to); `--check`:
    # every rule, sizes included.
    if "--check-imports" in sys.argv and (found or server_into_features):
        sys.exit(1)
    bad = found or server_into_features or big or longs
    if check and bad:
        sys.exit(1)


if __name__ == "__main__":
    main()
