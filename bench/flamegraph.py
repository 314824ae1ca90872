#!/usr/bin/env python3
"""bench/flamegraph.py: a flame graph (SVG) and folded stacks from `perf script` output.

    perf record -F 2000 --call-graph dwarf,32768 -p PID -o run.data -- sleep 3
    perf script -i run.data | bench/flamegraph.py --title "cached GET /v1/balances" \
        --svg run.svg --folded run.folded

Frames are collapsed the way Brendan Gregg's stackcollapse-perf.pl does (root first, one line
per distinct stack with its sample count); C++ symbols are shortened (template arguments and
parameter lists dropped) so the boxes stay readable. Standard library only; no network.
"""

import argparse
import html
import re
import sys
from collections import defaultdict


def shorten(symbol: str) -> str:
    symbol = symbol.strip()
    if symbol.startswith("[unknown]") or not symbol:
        return "[unknown]"
    # Drop the offset perf appends, then argument lists and template arguments.
    symbol = re.sub(r"\+0x[0-9a-f]+$", "", symbol)
    if symbol.startswith("_Z"):  # left mangled by perf (coroutine frames): keep it short
        return symbol[:48] + ".."
    out, depth = [], 0
    for ch in symbol:
        if ch in "<(":
            depth += 1
            continue
        if ch in ">)":
            depth = max(0, depth - 1)
            continue
        if depth == 0:
            out.append(ch)
    text = "".join(out).replace(" const", "").strip()
    return text or symbol[:60]


def collapse(lines):
    """perf script prints a header line per sample, then its frames leaf first."""
    stacks = defaultdict(int)
    command, frames = None, []

    def flush():
        if command is not None and frames:
            stacks[";".join([command] + list(reversed(frames)))] += 1

    for line in lines:
        line = line.rstrip("\n")
        if not line.strip():
            flush()
            command, frames = None, []
            continue
        if line[0] not in " \t":
            flush()
            command, frames = line.split()[0], []
            continue
        parts = line.strip().split(" ", 1)
        if len(parts) == 2:
            frames.append(shorten(re.sub(r"\s+\([^()]*\)$", "", parts[1])))
    flush()
    return stacks


def build_tree(stacks):
    tree = {"name": "all", "value": 0, "children": {}}
    for stack, count in stacks.items():
        node = tree
        node["value"] += count
        for frame in stack.split(";"):
            node = node["children"].setdefault(frame, {"name": frame, "value": 0, "children": {}})
            node["value"] += count
    return tree


def colour(name: str) -> str:
    h = sum(ord(c) for c in name)
    if name.startswith("[k]") or "kernel" in name or name.startswith("__") or name.startswith("do_syscall"):
        return f"rgb(230,{120 + h % 60},{60 + h % 40})"
    if "coinfan::" in name:
        return f"rgb({80 + h % 40},{150 + h % 60},{220})"
    return f"rgb(240,{170 + h % 60},{70 + h % 50})"


def render_svg(tree, title, width=1600, row=16):
    total = tree["value"] or 1
    rects = []
    max_depth = [0]

    def walk(node, x, depth):
        max_depth[0] = max(max_depth[0], depth)
        w = node["value"] / total * width
        if w >= 1.0:
            rects.append((x, depth, w, node["name"], node["value"]))
        cx = x
        for child in sorted(node["children"].values(), key=lambda c: c["name"]):
            walk(child, cx, depth + 1)
            cx += child["value"] / total * width

    walk(tree, 0.0, 0)
    height = (max_depth[0] + 3) * row + 30
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="monospace" font-size="11">',
           f'<rect width="100%" height="100%" fill="#fdfdf5"/>',
           f'<text x="8" y="18" font-size="14">{html.escape(title)} ({total} samples)</text>']
    for x, depth, w, name, value in rects:
        y = height - (depth + 1) * row
        label = f"{name} ({value} samples, {100.0 * value / total:.1f}%)"
        out.append(f'<g><title>{html.escape(label)}</title>'
                   f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{row - 1}" fill="{colour(name)}" rx="1"/>')
        chars = int(w / 6.6)
        if chars >= 4:
            text = name if len(name) <= chars else name[: chars - 2] + ".."
            out.append(f'<text x="{x + 2:.1f}" y="{y + row - 4}">{html.escape(text)}</text>')
        out.append("</g>")
    out.append("</svg>")
    return "\n".join(out)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--title", default="perf")
    parser.add_argument("--svg")
    parser.add_argument("--folded")
    parser.add_argument("--top", type=int, default=0, help="print the N heaviest frames (inclusive)")
    args = parser.parse_args()
    stacks = collapse(sys.stdin)
    if args.folded:
        with open(args.folded, "w") as f:
            for stack, count in sorted(stacks.items(), key=lambda item: -item[1]):
                f.write(f"{stack} {count}\n")
    tree = build_tree(stacks)
    if args.svg:
        with open(args.svg, "w") as f:
            f.write(render_svg(tree, args.title))
    if args.top:
        inclusive = defaultdict(int)
        for stack, count in stacks.items():
            for frame in set(stack.split(";")):
                inclusive[frame] += count
        total = tree["value"] or 1
        for frame, count in sorted(inclusive.items(), key=lambda item: -item[1])[: args.top]:
            print(f"{100.0 * count / total:5.1f}%  {frame}")


if __name__ == "__main__":
    main()
