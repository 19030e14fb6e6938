#!/usr/bin/env python3
"""scripts/sizes.py [ROOT] — the size rules of docs/architecture.md ("Style, as the tests
check it"): no source file over 450 lines and no function over 80, unless a comment says
why. Prints one line per breach and, last, "sizes: N passed, N failed" (a file counts
once).

A file over the limit passes when one of its first 30 lines has `// long file: <why>`;
a function when the line before its signature has `// long function: <why>`.
Functions are found by Google style as .clang-format writes it: a definition opens
with a line at column 0 (namespaces do not indent) and closes with `}` at column 0."""
import re
import subprocess
import sys

FILE_LIMIT, FUNCTION_LIMIT = 450, 80
root = sys.argv[1] if len(sys.argv) > 1 else '.'
files = subprocess.run(['git', '-C', root, 'ls-files', '--', '*.cpp', '*.hpp', '*.h'],
                       capture_output=True, text=True, check=True).stdout.split()
passed = failed = 0
for name in files:
    lines = open(f'{root}/{name}', encoding='utf-8').read().split('\n')
    breaches = []
    if len(lines) > FILE_LIMIT and not any('// long file:' in l for l in lines[:30]):
        breaches.append(f'{name}: {len(lines)} lines (limit {FILE_LIMIT})')
    start = None
    for i, line in enumerate(lines):
        opens = re.match(r'^[A-Za-z_].*[)\]>]\s*(const|override|noexcept|final|\s)*\s*\{\s*$', line) or \
            (line.startswith('    ') is False and line.rstrip() == '{' and i > 0)
        if start is None and opens and not re.match(r'^(namespace|extern|struct|class|enum|union)\b', line) \
                and not line.startswith((' ', '\t', '#', '//')):
            # a signature may span lines: walk back to its first line
            s = i
            while s > 0 and lines[s - 1].startswith(' ') and lines[s - 1].strip() and not lines[s - 1].strip().endswith(';'):
                s -= 1
            start = s if lines[i].rstrip() != '{' else i - 1
        elif start is not None and line.startswith('}'):
            length = i - start + 1
            reason = start > 0 and '// long function:' in lines[start - 1]
            if length > FUNCTION_LIMIT and not reason:
                breaches.append(f'{name}:{start + 1}: function of {length} lines (limit {FUNCTION_LIMIT}): {lines[start].strip()[:70]}')
            start = None
    for b in breaches:
        print(b, file=sys.stderr)
    if breaches:
        failed += 1
    else:
        passed += 1
print(f'sizes: {passed} passed, {failed} failed')
