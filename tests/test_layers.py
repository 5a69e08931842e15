"""The layers' import rules (docs/architecture.md), read from the source: core below everything, services
free of HTTP, domain services and models without cycles, and the HTTP layer calling no domain but to sign in."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import app

APP = Path(app.__file__).parent
HTTP_PACKAGES = ("fastapi", "starlette")
# Where the HTTP layer may call a domain: signing in turns a cookie or token into the signed-in user.
API_TO_DOMAIN = {("app.api.deps", "app.auth")}


def _imports() -> dict[str, set[str]]:
    """Every module of ``app`` and the modules it imports (absolute names)."""
    found: dict[str, set[str]] = {}
    for path in APP.rglob("*.py"):
        parts = path.relative_to(APP.parent).with_suffix("").parts
        module = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module)
            elif isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
        found[module] = names
    return found


IMPORTS = _imports()
DOMAINS = {
    path.name
    for path in APP.iterdir()
    if path.is_dir() and (path / "__init__.py").exists() and path.name not in ("core", "api", "cli")
}


def _package(module: str) -> str:
    parts = module.split(".")
    return parts[1] if parts[0] == "app" and len(parts) > 1 else parts[0]


def _is_http(name: str) -> bool:
    return name.split(".")[0] in HTTP_PACKAGES or name.startswith("app.api")


def test_core_imports_nothing_above_it() -> None:
    wrong = [
        (module, name)
        for module, names in IMPORTS.items()
        if _package(module) == "core"
        for name in names
        if _is_http(name) or (name.startswith("app.") and _package(name) != "core")
    ]
    assert wrong == []


def test_domain_services_and_models_know_no_http() -> None:
    wrong = [
        (module, name)
        for module, names in IMPORTS.items()
        if _package(module) in DOMAINS and not module.endswith(".routes")
        for name in names
        if _is_http(name)
    ]
    assert wrong == []


def test_the_http_layer_calls_a_domain_only_to_sign_in() -> None:
    wrong = [
        (module, name)
        for module, names in IMPORTS.items()
        if _package(module) == "api"
        for name in names
        if _package(name) in DOMAINS and (module, f"app.{_package(name)}") not in API_TO_DOMAIN
    ]
    assert wrong == []


def test_domains_below_their_routes_import_each_other_without_cycles() -> None:
    """Routes may compose any domain's services; under them, domains form one order (auth, goals, entries, …)."""
    below: dict[str, set[str]] = defaultdict(set)
    for module, names in IMPORTS.items():
        if _package(module) in DOMAINS and not module.endswith(".routes"):
            below[_package(module)].update(
                _package(name) for name in names if _package(name) in DOMAINS - {_package(module)}
            )
    done: set[str] = set()

    def visit(domain: str, path: tuple[str, ...]) -> None:
        assert domain not in path, f"import cycle: {' -> '.join((*path, domain))}"
        if domain not in done:
            for imported in below[domain]:
                visit(imported, (*path, domain))
            done.add(domain)

    for domain in sorted(DOMAINS):
        visit(domain, ())
    assert "core" not in DOMAINS and {"auth", "entries", "goals", "sync"} <= DOMAINS
