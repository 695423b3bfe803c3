"""Count imports made inside functions in src/meldpunt (issue 15, part d).

An import inside a function hides a dependency from the reader and from import-linter, so it is
allowed only where a comment on the same line or the line just above says why. This script
prints three numbers: all such imports, those that reach into another app, and those without a
comment. With --list it names each one; with --check it fails when one has no comment.

    python tools/count_function_imports.py [--list] [--check] [root]
"""

from __future__ import annotations

import argparse
import ast
import sys
from pathlib import Path

PACKAGE = "meldpunt"


def app_of(module: str) -> str:
    """The app a dotted module belongs to: meldpunt.privacy.retention.x -> privacy.retention."""
    parts = module.split(".")
    if parts[0] != PACKAGE or len(parts) < 2:
        return parts[0]
    if parts[1] == "privacy" and len(parts) > 2 and parts[2] in ("retention", "inzage"):
        return f"privacy.{parts[2]}"
    return parts[1]


def module_name(path: Path, root: Path) -> str:
    rel = path.relative_to(root.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def resolve(node: ast.ImportFrom, module: str, is_package: bool) -> str:
    if node.level == 0:
        return node.module or ""
    base = module.split(".")
    if not is_package:
        base = base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def function_imports(path: Path, root: Path):
    """Yield (lineno, target module, has_comment) for each import inside a function body."""
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    tree = ast.parse(source, filename=str(path))
    module = module_name(path, root)
    is_package = path.name == "__init__.py"

    import_lines = {n for node in ast.walk(tree) if isinstance(node, ast.Import | ast.ImportFrom)
                    for n in range(node.lineno, (node.end_lineno or node.lineno) + 1)}

    def commented(lineno: int) -> bool:
        """A comment on the line, or just above it or above the block of imports it is part of."""
        if "#" in lines[lineno - 1]:
            return True
        above = lineno - 1
        while above >= 1 and (above in import_lines or not lines[above - 1].strip()):
            above -= 1
        return above >= 1 and lines[above - 1].strip().startswith("#")

    def visit(node: ast.AST, in_function: bool):
        for child in ast.iter_child_nodes(node):
            inside = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
            if in_function and isinstance(child, ast.Import):
                for alias in child.names:
                    yield child.lineno, alias.name, commented(child.lineno)
            elif in_function and isinstance(child, ast.ImportFrom):
                yield child.lineno, resolve(child, module, is_package), commented(child.lineno)
            yield from visit(child, inside)

    for lineno, target, has_comment in visit(tree, False):
        yield module, lineno, target, has_comment


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", nargs="?", default=str(Path(__file__).resolve().parent.parent / "src" / PACKAGE))
    parser.add_argument("--list", action="store_true", help="name every import inside a function")
    parser.add_argument("--check", action="store_true", help="fail when one has no comment saying why")
    args = parser.parse_args(argv)
    root = Path(args.root).resolve()
    total = between = bare = bare_between = 0
    for path in sorted(root.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        for module, lineno, target, has_comment in function_imports(path, root):
            cross = target.startswith(PACKAGE + ".") and app_of(target) != app_of(module)
            total += 1
            between += cross
            bare += not has_comment
            bare_between += cross and not has_comment
            if args.list:
                flags = ("between apps" if cross else "") + ("" if has_comment else " NO COMMENT")
                print(f"{path.relative_to(root.parent)}:{lineno}: {target} {flags}".rstrip())
    print(f"imports inside functions: {total}")
    print(f"  between apps: {between}")
    print(f"  without a comment saying why: {bare} ({bare_between} of them between apps)")
    return 1 if args.check and bare else 0


if __name__ == "__main__":
    sys.exit(main())
