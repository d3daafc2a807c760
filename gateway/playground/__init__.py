"""The GraphiQL playground, served with no internet access.

GraphiQL, React, ReactDOM and the explorer plugin are vendored in `static/` (UMD builds,
copied from the npm packages pinned in `clients/package.json` by
`clients/vendor-playground.mjs`, which also records their hashes in `static/integrity.json`).
The page loads them from the gateway itself, each with a Subresource Integrity hash
computed from the file, and opens with the README's `createInvoice` example ready to run.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import html
import json
from pathlib import Path
from typing import Final

ASSETS_DIR: Final = Path(__file__).resolve().parent / "static"

# Load order matters: GraphiQL's UMD build needs the React globals, the explorer needs GraphiQL.
SCRIPTS: Final = (
    "react.production.min.js",
    "react-dom.production.min.js",
    "graphiql.min.js",
    "plugin-explorer.umd.js",
)
STYLESHEETS: Final = ("graphiql.min.css", "plugin-explorer.css")

EXAMPLE_OPERATION: Final = """\
mutation CreateInvoice($input: CreateInvoiceInput!) {
  createInvoice(input: $input) {
    invoice {
      id state grossValue issueDate createdAt
      receivables { id dueDate grossValue value }
      services { units unitValue value }
      contract { id name supplier { ... on Organization { name cnpj } } }
      customer { ... on Company { name cnpj } ... on Person { name cpf } }
    }
    userErrors { field message code }
  }
}
"""

EXAMPLE_VARIABLES: Final = {
    "input": {
        "contractId": "3",
        "description": "Consultoria de junho",
        "grossValue": "1500.00",
        "issueDate": "2025-06-02",
        "receivables": [
            {"grossValue": "500.00", "dueDate": "2025-06-10"},
            {"grossValue": "1000.00", "dueDate": "2025-07-10"},
        ],
        "services": [
            {
                "description": "Consultoria",
                "units": "10",
                "unitValue": "150.00",
                "value": "1500.00",
            }
        ],
        "paymentInformation": {"paymentMethod": "BILLET"},
    }
}

_BOOT = """\
(function () {
  var config = JSON.parse(document.getElementById("playground-config").textContent);
  var root = ReactDOM.createRoot(document.getElementById("graphiql"));
  root.render(
    React.createElement(GraphiQL, {
      // Subscriptions go over graphql-ws on the same path; the headers pane's values (an
      // Authorization) travel in its connection_init payload.
      fetcher: GraphiQL.createFetcher({
        url: config.endpoint,
        subscriptionUrl: new URL(config.endpoint, location.href).href.replace(/^http/, "ws"),
      }),
      // GraphiQL opens (or adds, next to the tabs it kept) a tab with the example in it.
      query: config.query,
      variables: config.variables,
      defaultEditorToolsVisibility: "variables",
      plugins: [GraphiQLPluginExplorer.explorerPlugin()],
    })
  );
})();
"""


@functools.cache
def integrity(name: str) -> str:
    """The Subresource Integrity value (sha384) of a vendored file."""
    digest = hashlib.sha384((ASSETS_DIR / name).read_bytes()).digest()
    return "sha384-" + base64.b64encode(digest).decode("ascii")


def _json_for_script(value: object) -> str:
    # Inside <script>, "</" could close the element; "\u003c" is the same character in JSON.
    return json.dumps(value, ensure_ascii=False).replace("<", "\\u003c")


def render_html(*, assets_url: str, endpoint: str) -> str:
    """The playground page: assets from `assets_url`, operations sent to `endpoint`."""
    base = assets_url.rstrip("/")

    def attributes(name: str) -> str:
        return f'integrity="{integrity(name)}" crossorigin="anonymous"'

    stylesheets = "\n".join(
        f'    <link rel="stylesheet" href="{html.escape(f"{base}/{name}")}" {attributes(name)}>'
        for name in STYLESHEETS
    )
    scripts = "\n".join(
        f'    <script src="{html.escape(f"{base}/{name}")}" {attributes(name)}></script>'
        for name in SCRIPTS
    )
    config = _json_for_script(
        {
            "endpoint": endpoint,
            "query": EXAMPLE_OPERATION,
            "variables": json.dumps(EXAMPLE_VARIABLES, indent=2),
        }
    )
    return f"""\
<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>Invoice gateway · GraphiQL</title>
    <link rel="icon" href="data:,">
{stylesheets}
    <style>html, body, #graphiql {{ height: 100%; margin: 0; }}</style>
  </head>
  <body>
    <div id="graphiql">Loading GraphiQL…</div>
{scripts}
    <script type="application/json" id="playground-config">{config}</script>
    <script>
{_BOOT}    </script>
  </body>
</html>
"""


__all__ = ["ASSETS_DIR", "render_html"]
