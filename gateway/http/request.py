"""Reading GraphQL-over-HTTP requests: GET parameters, JSON bodies (single or batched) and
multipart uploads (https://github.com/jaydenseric/graphql-multipart-request-spec).

Every way a request can be malformed raises `MalformedRequest` with its HTTP status and a
message that says what to fix.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import msgspec
from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request

from gateway.errors import MalformedRequest
from gateway.scalars import UploadedFile


@dataclass(slots=True)
class GraphQLRequest:
    query: str | None
    variables: dict[str, Any] | None = None
    operation_name: str | None = None
    extensions: dict[str, Any] | None = None
    # A trusted document's id (`sha256:<hex>`), sent instead of `query`.
    document_id: str | None = None


@dataclass(slots=True)
class ParsedRequest:
    operations: list[GraphQLRequest]
    batched: bool = False
    uploads: list[UploadedFile] = field(default_factory=list)


# Numbers keep the digits the client wrote: a Decimal variable of `700.10` stays `700.10`.
# msgspec reads what it can (at several times the standard library's speed, a microsecond or
# two per receivable of a large invoice); the standard library reads what msgspec refuses (a
# byte-order mark, `NaN`, a lone surrogate escape, an integer past 4,300 digits) as it always
# did, or says what is wrong in its words. Both made once.
_FAST = msgspec.json.Decoder(float_hook=Decimal)
_DECODER = json.JSONDecoder(parse_float=Decimal)


# A lone surrogate can only arrive escaped: UTF-8 cannot encode one.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")

JSON_TOO_DEEP = "JSON_TOO_DEEP"


def decode_json(data: bytes | str, *, name: str = "") -> Any:
    """Parse a JSON request part; `ValueError` (bad UTF-8 included) for anything else, and
    `MalformedRequest` for JSON Python cannot hold (nested past the recursion limit, or with a
    string that is not text)."""
    try:
        return _FAST.decode(data)
    except msgspec.DecodeError:
        pass
    except RecursionError:
        raise MalformedRequest("The JSON is nested too deeply.", code=JSON_TOO_DEEP) from None
    text = data if isinstance(data, str) else data.decode("utf-8-sig")
    try:
        value = _DECODER.decode(text)
    except RecursionError:
        raise MalformedRequest("The JSON is nested too deeply.", code=JSON_TOO_DEEP) from None
    if _SURROGATE_ESCAPE.search(text) and (path := _lone_surrogate(value, name)) is not None:
        # Valid JSON, but not text: it cannot be written to the upstream or back.
        raise MalformedRequest(
            f"The JSON holds a lone UTF-16 surrogate in `{path}`, which is not a character."
        )
    return value


def _lone_surrogate(value: Any, root: str) -> str | None:
    """The path to the first string (or key) that is not valid Unicode text, if any."""
    pending: list[tuple[str, Any]] = [(root, value)]
    while pending:
        path, item = pending.pop()
        if isinstance(item, str):
            if not _is_text(item):
                return path or "(the whole value)"
        elif isinstance(item, dict):
            for key, child in item.items():
                child_path = f"{path}.{key}" if path else str(key)
                if not _is_text(key):
                    return path or "(an object key)"
                pending.append((child_path, child))
        elif isinstance(item, list):
            pending.extend((f"{path}.{index}", child) for index, child in enumerate(item))
    return None


def _is_text(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def operation_from(data: object) -> GraphQLRequest:
    """One operation of a request, from its decoded JSON object."""
    if not isinstance(data, dict):
        raise MalformedRequest("A GraphQL request must be a JSON object.")
    query = data.get("query")
    if query is not None and not isinstance(query, str):
        raise MalformedRequest("The `query` parameter must be a string.")
    variables = data.get("variables")
    if variables is not None and not isinstance(variables, dict):
        raise MalformedRequest("The `variables` parameter must be an object.")
    operation_name = data.get("operationName")
    if operation_name is not None and not isinstance(operation_name, str):
        raise MalformedRequest("The `operationName` parameter must be a string.")
    extensions = data.get("extensions")
    if extensions is not None and not isinstance(extensions, dict):
        raise MalformedRequest("The `extensions` parameter must be an object.")
    document_id = data.get("documentId")
    if document_id is not None and not isinstance(document_id, str):
        raise MalformedRequest("The `documentId` parameter must be a string.")
    return GraphQLRequest(query, variables, operation_name, extensions, document_id)


def _json_parameter(value: str | None, name: str) -> Any:
    if value is None or value == "":
        return None
    try:
        return decode_json(value, name=name)
    except ValueError:
        raise MalformedRequest(f"The `{name}` parameter must be JSON.") from None


def parse_get(request: Request) -> ParsedRequest:
    params = request.query_params
    return ParsedRequest(
        [
            operation_from(
                {
                    "query": params.get("query"),
                    "variables": _json_parameter(params.get("variables"), "variables"),
                    "operationName": params.get("operationName"),
                    "extensions": _json_parameter(params.get("extensions"), "extensions"),
                    "documentId": params.get("documentId") or None,
                }
            )
        ]
    )


def parse_json_body(body: bytes, *, max_batch_size: int) -> ParsedRequest:
    if not body.strip():
        raise MalformedRequest("The request body is empty.")
    try:
        data = decode_json(body)
    except (ValueError, UnicodeDecodeError):
        raise MalformedRequest("The request body is not valid JSON.") from None
    if isinstance(data, list):
        if not data:
            raise MalformedRequest("A batch must contain at least one operation.")
        if len(data) > max_batch_size:
            raise MalformedRequest(
                f"A batch of {len(data)} operations exceeds the maximum of {max_batch_size}.",
                code="BATCH_TOO_LARGE",
            )
        return ParsedRequest([operation_from(item) for item in data], batched=True)
    return ParsedRequest([operation_from(data)])


async def parse_multipart(
    request: Request, *, max_batch_size: int, max_upload_bytes: int
) -> ParsedRequest:
    """`operations` (JSON), `map` (file key -> variable paths) and the files themselves."""
    try:
        async with request.form(max_files=100, max_fields=100) as form:
            return await _from_form(
                form, max_batch_size=max_batch_size, max_upload_bytes=max_upload_bytes
            )
    except HTTPException as error:
        # Starlette's form parser says "400: Invalid multipart data" (or too many parts) this
        # way; it is the client's mistake, answered like the others.
        raise MalformedRequest(f"The multipart body cannot be read: {error.detail}") from None


async def _from_form(
    form: FormData, *, max_batch_size: int, max_upload_bytes: int
) -> ParsedRequest:
    operations_text = form.get("operations")
    map_text = form.get("map")
    if not isinstance(operations_text, str) or not isinstance(map_text, str):
        raise MalformedRequest("A multipart request needs `operations` and `map` fields.")
    parsed = parse_json_body(operations_text.encode(), max_batch_size=max_batch_size)
    try:
        files_map = decode_json(map_text)
    except ValueError:
        raise MalformedRequest("The `map` field must be JSON.") from None
    if not isinstance(files_map, dict):
        raise MalformedRequest("The `map` field must map file keys to variable paths.")
    for key, paths in files_map.items():
        upload = form.get(key)
        if not isinstance(upload, UploadFile):
            raise MalformedRequest(f"The file `{key}` named in `map` is missing.")
        if not isinstance(paths, list) or not all(isinstance(p, str) for p in paths):
            raise MalformedRequest(f"`map` must give a list of paths for `{key}`.")
        uploaded = await _read_upload(upload, max_bytes=max_upload_bytes)
        parsed.uploads.append(uploaded)
        for path in paths:
            _place(parsed, path, uploaded)
    return parsed


async def _read_upload(upload: UploadFile, *, max_bytes: int) -> UploadedFile:
    # Read one byte past the limit: enough to know it is too large, never the whole file.
    data = await upload.read(max_bytes + 1)
    too_large = len(data) > max_bytes
    return UploadedFile(
        filename=upload.filename or "upload",
        content_type=upload.content_type or "application/octet-stream",
        data=b"" if too_large else data,
        too_large=too_large,
        max_bytes=max_bytes,
    )


def _place(parsed: ParsedRequest, path: str, value: UploadedFile) -> None:
    """Put `value` where `path` (e.g. `variables.input.attachments.0.file`) points."""
    parts = path.split(".")
    if parsed.batched:
        if not parts[0].isdigit() or int(parts[0]) >= len(parsed.operations):
            raise MalformedRequest(f"The `map` path `{path}` does not name an operation.")
        operation = parsed.operations[int(parts[0])]
        parts = parts[1:]
    else:
        operation = parsed.operations[0]
    if len(parts) < 2 or parts[0] != "variables" or operation.variables is None:
        raise MalformedRequest(f"The `map` path `{path}` does not point into `variables`.")
    target: Any = operation.variables
    for part in parts[1:-1]:
        target = _step(target, part, path)
    last = parts[-1]
    if isinstance(target, list) and last.isdigit() and int(last) < len(target):
        target[int(last)] = value
    elif isinstance(target, dict) and last in target:
        target[last] = value
    else:
        raise MalformedRequest(f"The `map` path `{path}` does not point at a `null` placeholder.")


def _step(target: Any, part: str, path: str) -> Any:
    if isinstance(target, list) and part.isdigit() and int(part) < len(target):
        return target[int(part)]
    if isinstance(target, dict) and part in target:
        return target[part]
    raise MalformedRequest(f"The `map` path `{path}` does not exist in `variables`.")
