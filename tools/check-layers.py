#!/usr/bin/env python3
# Checks the layering of the source tree (docs/ARCHITECTURE.md): every #include "DIR/..." of a project
# header names a header of the same layer or of one below it, and every project header is included
# by its folder. TAP on stdout; exits non-zero on a violation.
#   tools/check-layers.py [SOURCE_ROOT]
import os
import re
import sys

# The layers from the bottom up; a file's layer is that of the longest folder that holds it.
LAYERS = ['src/basic', 'network/nl', 'network', 'src/core', 'src/settings', 'src/verbs', 'src']
INCLUDE = re.compile(r'^\s*#\s*include\s*"([^"]+)"', re.M)


def layer_of(path):
    best = None
    for i, layer in enumerate(LAYERS):
        if path.startswith(layer + '/') and (best is None or len(layer) > len(LAYERS[best])):
            best = i
    return best


def header_path(include):
    # "basic/x.h" is src/basic/x.h; "network/x.h" is network/x.h.
    return include if include.startswith('network/') else 'src/' + include


def sources(root):
    for top in ('src', 'network', 'init'):
        for dirpath, _, files in os.walk(os.path.join(root, top)):
            for name in files:
                if name.endswith(('.c', '.h')):
                    yield os.path.relpath(os.path.join(dirpath, name), root)


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), '..')
    problems = {'up': [], 'unprefixed': [], 'missing': [], 'init': []}
    for path in sorted(sources(root)):
        with open(os.path.join(root, path), encoding='utf-8') as f:
            includes = INCLUDE.findall(f.read())
        if path.startswith('init/'):
            # syscon-init is its own static executable: the basic layer's headers are all it shares.
            problems['init'] += [f'{path}: #include "{i}"' for i in includes if not i.startswith('basic/')]
            continue
        src = layer_of(path)
        for inc in includes:
            if '/' not in inc:
                problems['unprefixed'].append(f'{path}: #include "{inc}"')
                continue
            target = header_path(inc)
            if not os.path.isfile(os.path.join(root, target)):
                problems['missing'].append(f'{path}: #include "{inc}" ({target} does not exist)')
                continue
            dst = layer_of(target)
            if src is not None and dst is not None and dst > src:
                problems['up'].append(f'{path} ({LAYERS[src]}) includes {inc} ({LAYERS[dst]})')

    checks = [
        ('no file includes a header of a higher layer', problems['up']),
        ('project headers are included by their folder', problems['unprefixed']),
        ('every included project header exists', problems['missing']),
        ('syscon-init uses only the basic layer', problems['init']),
    ]
    for n, (desc, found) in enumerate(checks, 1):
        print(f'{"not ok" if found else "ok"} {n} - {desc}')
        for line in found:
            print(f'# {line}')
    print(f'1..{len(checks)}')
    return 1 if any(found for _, found in checks) else 0


if __name__ == '__main__':
    sys.exit(main())
