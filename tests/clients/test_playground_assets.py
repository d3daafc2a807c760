"""The vendored GraphiQL assets and the playground page (gateway/playground)."""

from __future__ import annotations

import base64
import hashlib
import json
from html.parser import HTMLParser
from typing import Any

from gateway.playground import ASSETS_DIR, EXAMPLE_OPERATION, EXAMPLE_VARIABLES, render_html
from tests.clients.support import run_ok

MANIFEST = "integrity.json"


def manifest() -> dict[str, Any]:
    files: dict[str, Any] = json.loads((ASSETS_DIR / MANIFEST).read_text())["files"]
    return files


def sha384(name: str) -> str:
    digest = hashlib.sha384((ASSETS_DIR / name).read_bytes()).digest()
    return "sha384-" + base64.b64encode(digest).decode()


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.data: dict[str, str] = {}
        self._open: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        self.tags.append((tag, attributes))
        self._open = attributes.get("id") if tag == "script" else None

    def handle_data(self, data: str) -> None:
        if self._open:
            self.data[self._open] = data

    def handle_endtag(self, tag: str) -> None:
        self._open = None


def parse(page: str) -> Tags:
    tags = Tags()
    tags.feed(page)
    return tags


def test_every_vendored_file_matches_integrity_json() -> None:
    files = manifest()
    on_disk = {path.name for path in ASSETS_DIR.iterdir()} - {MANIFEST}
    assert set(files) == on_disk
    for name, entry in files.items():
        assert entry["integrity"] == sha384(name), name


def test_the_vendored_files_are_the_pinned_npm_builds() -> None:
    result = run_ok(["node", "vendor-playground.mjs", "--check"])
    assert "match node_modules" in result.output, result.report()


def test_every_script_and_stylesheet_is_local_and_carries_its_integrity() -> None:
    tags = parse(render_html(assets_url="/graphql/assets", endpoint="/graphql"))
    files = manifest()
    # No favicon request either: the page names an empty inline icon.
    assert ("link", {"rel": "icon", "href": "data:,"}) in tags.tags
    external = [
        (tag, attributes)
        for tag, attributes in tags.tags
        if (tag == "script" and attributes.get("src"))
        or (tag == "link" and attributes.get("rel") != "icon")
    ]
    loaded = []
    for tag, attributes in external:
        url = attributes.get("src") or attributes.get("href") or ""
        assert url.startswith("/graphql/assets/"), url
        name = url.removeprefix("/graphql/assets/")
        assert attributes.get("integrity") == files[name]["integrity"], (tag, attributes)
        loaded.append(name)
    assert sorted(loaded) == sorted(
        [
            "react.production.min.js",
            "react-dom.production.min.js",
            "graphiql.min.js",
            "graphiql.min.css",
            "plugin-explorer.umd.js",
            "plugin-explorer.css",
        ]
    )


def test_the_page_opens_with_the_create_invoice_example() -> None:
    tags = parse(render_html(assets_url="/graphql/assets/", endpoint="/graphql"))
    config = json.loads(tags.data["playground-config"])
    assert config["endpoint"] == "/graphql"
    assert config["query"] == EXAMPLE_OPERATION
    assert json.loads(config["variables"]) == EXAMPLE_VARIABLES
    assert EXAMPLE_OPERATION.startswith("mutation CreateInvoice($input: CreateInvoiceInput!)")


def test_urls_cannot_break_out_of_the_page() -> None:
    hostile = '</script><script>alert("x")</script>'
    page = render_html(assets_url='/a"><script>alert(1)</script>', endpoint=hostile)
    assert "<script>alert" not in page
    tags = parse(page)
    assert json.loads(tags.data["playground-config"])["endpoint"] == hostile
    sources = [attributes.get("src") for tag, attributes in tags.tags if tag == "script"]
    assert '/a"><script>alert(1)</script>/graphiql.min.js' in sources
