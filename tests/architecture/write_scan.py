"""Find the places in the source tree that write a model: a static (AST) scan.

A write is a call of `create`, `bulk_create`, `bulk_update`, `get_or_create`,
`update_or_create`, `update` (keywords only, as a queryset's), `delete`, `save`, the related
managers' `add`/`set`/`remove`/`clear`, or `masterypath.common.bulk.bulk_insert(Model, ...)`,
on something the scan can tie to a model class: the class itself (`Student.objects.create`),
a name bound to an expression built from it (`student = Student(...)`, `for s in
Student.objects.filter(...)`, `{s.pk: s for s in ...}`), or a name annotated with it
(`student: Student`, `rows: list[Student]`). The model's owner is the app whose `models`
module defines it (`masterypath.roster.models` -> `masterypath.roster`).

The scan is a heuristic: it under-reports writes on objects it cannot type (attributes of
`self`, values returned by helpers), never what it does report.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import cast

PACKAGE = "masterypath"

QUERYSET_WRITES = frozenset(
    {"create", "bulk_create", "bulk_update", "get_or_create", "update_or_create", "delete"}
)
INSTANCE_WRITES = frozenset({"save", "delete"})
RELATED_WRITES = frozenset({"add", "set", "remove", "clear"})
BULK_HELPERS = frozenset({"bulk_insert"})


@dataclass(frozen=True, order=True)
class Write:
    module: str  # the module that writes
    line: int
    owner: str  # the app that owns the model
    model: str
    method: str

    def __str__(self) -> str:
        return f"{self.module}:{self.line} {self.method} on {self.model} (owned by {self.owner})"


def module_name(root: Path, path: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _owner_of_models_module(module: str) -> str | None:
    """`masterypath.roster.models` (or `...models.sub`) -> `masterypath.roster`."""
    parts = module.split(".")
    if parts[0] != PACKAGE or "models" not in parts:
        return None
    return ".".join(parts[: parts.index("models")])


def _root(node: ast.expr) -> ast.expr:
    """The start of an attribute/call/subscript chain: `Student` in
    `Student.objects.filter(x=1).first().save` (a call's arguments are not followed)."""
    while True:
        if isinstance(node, ast.Attribute | ast.Subscript):
            node = node.value
        elif isinstance(node, ast.Call):
            node = node.func
        else:
            return node


class _ModuleScan:
    def __init__(self, tree: ast.Module, module: str) -> None:
        self.tree = tree
        self.module = module
        # name -> (owner app, model class) for model classes imported or defined here
        self.models: dict[str, tuple[str, str]] = {}
        # alias -> owner for `from masterypath.roster import models as roster_models`
        self.model_modules: dict[str, str] = {}
        # name -> (owner, model) for names the scan ties to a model
        self.typed: dict[str, tuple[str, str]] = {}
        # attribute -> (owner, model) for attributes annotated with a model anywhere in the
        # tree (`self.schools: dict[str, School]`, a dataclass's `new_staff: list[Staff]`)
        self.attributes: dict[str, tuple[str, str]] = {}

    def collect_attributes(self) -> dict[str, tuple[str, str]]:
        """Attributes this module annotates with a model (instance or class level)."""
        found: dict[str, tuple[str, str]] = {}
        for node in ast.walk(self.tree):
            if isinstance(node, ast.ClassDef):
                for child in node.body:
                    if isinstance(child, ast.AnnAssign) and isinstance(child.target, ast.Name):
                        model = self._annotation_model(child.annotation)
                        if model is not None:
                            found[child.target.id] = model
            elif (
                isinstance(node, ast.AnnAssign)
                and isinstance(node.target, ast.Attribute)
                and isinstance(node.target.value, ast.Name)
                and node.target.value.id == "self"
            ):
                model = self._annotation_model(node.annotation)
                if model is not None:
                    found[node.target.attr] = model
        return found

    def collect_imports(self) -> None:
        own_owner = _owner_of_models_module(self.module)
        for node in ast.walk(self.tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                owner = _owner_of_models_module(node.module)
                for alias in node.names:
                    local = alias.asname or alias.name
                    if owner is not None and alias.name[:1].isupper():
                        self.models[local] = (owner, alias.name)
                    elif alias.name == "models" and node.module.startswith(PACKAGE + "."):
                        self.model_modules[local] = node.module
            elif isinstance(node, ast.ClassDef) and own_owner is not None:
                self.models[node.name] = (own_owner, node.name)

    def model_of(self, node: ast.expr) -> tuple[str, str] | None:
        """The model an expression is built from, when the scan can tell."""
        link = node
        while isinstance(link, ast.Attribute | ast.Subscript | ast.Call):
            inner = link.func if isinstance(link, ast.Call) else link.value
            if (
                isinstance(link, ast.Attribute)
                and isinstance(inner, ast.Name)
                and inner.id in self.model_modules
                and link.attr[:1].isupper()
            ):
                return (self.model_modules[inner.id], link.attr)
            link = inner
        root = _root(node)
        if isinstance(root, ast.Name) and (root.id in self.models or root.id in self.typed):
            return self.models.get(root.id) or self.typed.get(root.id)
        return self._attribute_model(node)

    def _is_attribute_typed(self, func: ast.Attribute) -> bool:
        """Whether the model of `x.attr.method` comes only from an annotated attribute."""
        root = _root(func.value)
        return not (
            isinstance(root, ast.Name) and (root.id in self.models or root.id in self.typed)
        )

    def _attribute_model(self, node: ast.expr) -> tuple[str, str] | None:
        """`ctx.section_map[sid]`: the model of the outermost model-typed attribute."""
        link = node
        while isinstance(link, ast.Attribute | ast.Subscript | ast.Call):
            if isinstance(link, ast.Attribute) and link.attr in self.attributes:
                return self.attributes[link.attr]
            link = link.func if isinstance(link, ast.Call) else link.value
        return None

    def _model_in_expr(self, node: ast.expr) -> tuple[str, str] | None:
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            owner = self.model_modules.get(node.value.id)
            if owner is not None and node.attr[:1].isupper():
                return (owner, node.attr)
        if isinstance(node, ast.ListComp | ast.SetComp | ast.GeneratorExp):
            return self.model_of(node.elt) or self._comprehension_model(node.generators)
        if isinstance(node, ast.DictComp):
            return self.model_of(node.value) or self._comprehension_model(node.generators)
        if isinstance(node, ast.List | ast.Tuple | ast.Set) and node.elts:
            return self._model_in_expr(node.elts[0])
        return self.model_of(node)

    def _comprehension_model(self, generators: list[ast.comprehension]) -> tuple[str, str] | None:
        for generator in generators:
            found = self._model_in_expr(generator.iter)
            if found is not None:
                return found
        return None

    def _annotation_model(self, annotation: ast.expr | None) -> tuple[str, str] | None:
        if annotation is None:
            return None
        if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
            try:
                annotation = ast.parse(annotation.value, mode="eval").body
            except SyntaxError:
                return None
        for node in ast.walk(annotation):
            if isinstance(node, ast.Name) and node.id in self.models:
                return self.models[node.id]
        return None

    def _bind(self, target: ast.expr, model: tuple[str, str]) -> bool:
        names = [target] if isinstance(target, ast.Name) else []
        if isinstance(target, ast.Tuple | ast.List) and target.elts:
            # `obj, created = Model.objects.get_or_create(...)`: the first element
            first = target.elts[0]
            names = [first] if isinstance(first, ast.Name) else []
        changed = False
        for name in names:
            if isinstance(name, ast.Name) and name.id not in self.typed:
                self.typed[name.id] = model
                changed = True
        return changed

    def infer(self) -> None:
        """Tie names to models, to a fixed point (flow-insensitive: a name is typed by any
        binding in the module)."""
        changed = True
        while changed:
            changed = False
            for node in ast.walk(self.tree):
                if isinstance(node, ast.Assign):
                    found = self._model_in_expr(node.value)
                    if found is not None:
                        for target in node.targets:
                            changed |= self._bind(target, found)
                elif isinstance(node, ast.AnnAssign):
                    found = self._annotation_model(node.annotation) or (
                        self._model_in_expr(node.value) if node.value is not None else None
                    )
                    if found is not None:
                        changed |= self._bind(node.target, found)
                elif isinstance(node, ast.For | ast.comprehension):
                    found = self._model_in_expr(node.iter)
                    if found is not None:
                        changed |= self._bind(node.target, found)
                elif isinstance(node, ast.arg):
                    found = self._annotation_model(node.annotation)
                    if found is not None and node.arg not in self.typed:
                        self.typed[node.arg] = found
                        changed = True

    def writes(self) -> Iterator[Write]:
        for node in ast.walk(self.tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            if isinstance(func, ast.Name) and func.id in BULK_HELPERS and node.args:
                found = self._model_in_expr(node.args[0])
                if found is not None:
                    yield Write(self.module, node.lineno, found[0], found[1], func.id)
                continue
            if not isinstance(func, ast.Attribute):
                continue
            method = func.attr
            if method == "update":
                if node.args or not node.keywords:
                    continue  # dict.update / set.update take positional arguments
            elif method not in QUERYSET_WRITES | INSTANCE_WRITES | RELATED_WRITES:
                continue
            if (
                method == "save"
                and isinstance(func.value, ast.Attribute)
                and func.value.attr not in self.attributes
            ):
                continue  # `artifact.file.save(...)`: a file field, not the row
            if method in RELATED_WRITES and not (
                isinstance(func.value, ast.Attribute) and isinstance(func.value.value, ast.Name)
            ):
                continue  # only `instance.related.add(...)`
            found = self.model_of(func.value)
            if found is not None and method in RELATED_WRITES and self._is_attribute_typed(func):
                continue  # `people.changed.add(student)`: a set of models, not a manager
            if found is not None:
                yield Write(self.module, node.lineno, found[0], found[1], method)


def _scopes(tree: ast.Module) -> Iterator[ast.AST]:
    """The outermost functions (methods included), each typed on its own, so that one name
    bound to two models in two functions does not mix them up."""
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef | ast.Module):
            for child in node.body:
                if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                    yield child


def scan_source(
    source: str, module: str, attributes: dict[str, tuple[str, str]] | None = None
) -> list[Write]:
    """The writes in `source`, read as module `module`; `attributes` are the model-typed
    attributes of the whole tree (this module's own are always added)."""
    tree = ast.parse(source)
    base = _ModuleScan(tree, module)
    base.collect_imports()
    base.attributes = {**(attributes or {}), **base.collect_attributes()}
    found: set[Write] = set()
    functions = list(_scopes(tree))
    # Module level: the tree without its functions.
    top = ast.Module(
        body=[
            n
            for n in tree.body
            if not isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
        ],
        type_ignores=[],
    )
    for scope in [top, *functions]:
        scan = _ModuleScan(cast(ast.Module, scope), module)
        scan.models, scan.model_modules = base.models, base.model_modules
        scan.attributes = base.attributes
        scan.infer()
        found.update(scan.writes())
    return sorted(found)


def tree_attributes(root: Path) -> dict[str, tuple[str, str]]:
    """The attributes annotated with a model anywhere under `root / masterypath`."""
    found: dict[str, tuple[str, str]] = {}
    for path in sorted((root / PACKAGE).rglob("*.py")):
        scan = _ModuleScan(ast.parse(path.read_text(encoding="utf-8")), module_name(root, path))
        scan.collect_imports()
        found.update(scan.collect_attributes())
    return found


def scan_tree(root: Path) -> list[Write]:
    """Every write found under `root / masterypath` (root is the `src` folder)."""
    attributes = tree_attributes(root)
    found: list[Write] = []
    for path in sorted((root / PACKAGE).rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        found.extend(scan_source(source, module_name(root, path), attributes))
    return found


def is_owned(write: Write) -> bool:
    """Whether the write happens where its model's app allows: the app's `services` module or
    package, or its migrations."""
    allowed = (f"{write.owner}.services", f"{write.owner}.migrations")
    return any(
        write.module == prefix or write.module.startswith(prefix + ".") for prefix in allowed
    )


if __name__ == "__main__":
    import sys

    source = Path(sys.argv[1] if len(sys.argv) > 1 else "src")
    for write in scan_tree(source):
        if not is_owned(write):
            print(write)  # noqa: T201 - a command-line report
