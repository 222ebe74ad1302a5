"""Audit of the suite's privileged paths, run by `make lint`.

Two rules an auditor can then rely on without reading every file:
- every `sudo(` in the addons' code has its reason next to it: a comment
  containing "sudo:" on the same line or in the four lines above;
- every function (or module-level constant) whose SQL writes rows (INSERT
  INTO, UPDATE ... SET, DELETE FROM) has a comment "sql-write:" saying why
  it writes in SQL and what holds the caller to the ORM's rules.
Tests are left out. Prints each offence as file:line and exits 1 on any.
"""
import ast
import glob
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WRITE_RE = re.compile(
    r"\b(INSERT\s+INTO|UPDATE\s+[\w{}\"]+(\s+(AS\s+)?\w+)?\s+SET|DELETE\s+FROM)\b",
    re.IGNORECASE)
SUDO_RE = re.compile(r"\.sudo\(")


def addon_files():
    for path in sorted(glob.glob(os.path.join(ROOT, "crm_lifecycle*", "**", "*.py"),
                                 recursive=True)):
        rel = os.path.relpath(path, ROOT)
        if "/tests/" in "/" + rel or "/migrations/" in rel:
            continue
        yield rel, path


def strings_of(node):
    for sub in ast.walk(node):
        if isinstance(sub, ast.Constant) and isinstance(sub.value, str):
            yield sub.value
        elif isinstance(sub, ast.Str):  # Python < 3.8
            yield sub.s


def audit(rel, text):
    lines = text.splitlines()
    problems = []
    for number, line in enumerate(lines, 1):
        code = line.split("#", 1)[0]
        if SUDO_RE.search(code) and "def " not in code:
            window = lines[max(0, number - 5):number]
            if not any("sudo:" in w for w in window):
                problems.append("%s:%d: sudo() without a '# sudo: <reason>' comment" % (
                    rel, number))
    tree = ast.parse(text)
    units = [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
    units += [n for n in tree.body if isinstance(n, ast.Assign)]
    for unit in units:
        if isinstance(unit, ast.FunctionDef) and any(
                isinstance(p, ast.FunctionDef) and unit in ast.walk(p) and p is not unit
                for p in units if isinstance(p, ast.FunctionDef)):
            continue  # a nested function: its enclosing one is audited
        if not any(WRITE_RE.search(s) for s in strings_of(unit)):
            continue
        end = getattr(unit, "end_lineno", None) or _end_line(unit)
        start = unit.lineno - 1
        # the comment block and decorators just above the definition count
        while start > 0 and lines[start - 1].strip().startswith(("#", "@")):
            start -= 1
        body = lines[start:end]
        if not any("sql-write:" in line for line in body):
            problems.append("%s:%d: SQL that writes rows without a '# sql-write: <why, and "
                            "what holds the caller>' comment" % (rel, unit.lineno))
    return problems


def _end_line(node):
    return max(getattr(n, "lineno", node.lineno) for n in ast.walk(node)) + 30


def main():
    problems = []
    for rel, path in addon_files():
        with open(path, encoding="utf-8") as handle:
            problems += audit(rel, handle.read())
    for problem in problems:
        print(problem)
    if problems:
        print("sql audit: %d problems" % len(problems))
        return 1
    print("sql audit: every sudo() and every SQL write says why")
    return 0


if __name__ == "__main__":
    sys.exit(main())
