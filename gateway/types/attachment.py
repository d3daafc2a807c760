"""Attachments: files sent along with an invoice."""

from __future__ import annotations

import strawberry

from gateway.scalars import UploadedFile
from gateway.types.base import Mapped
from gateway.types.nested import ItemChange
from gateway.types.wire import Form, rest


@strawberry.input(description="A file to attach to a new invoice.")
class AttachmentInput:
    filename: str | None = strawberry.field(
        default=strawberry.UNSET, description="File name, e.g. `planilha.xlsx`."
    )
    content: str | None = strawberry.field(
        default=strawberry.UNSET,
        description="The file's bytes, Base64-encoded. Give this or `file`, not both.",
    )
    content_type: str | None = strawberry.field(
        default=strawberry.UNSET, description="MIME type, e.g. `application/pdf`."
    )
    file: UploadedFile | None = strawberry.field(
        default=strawberry.UNSET,
        description="The file itself, sent with the GraphQL multipart request spec; the "
        "gateway Base64-encodes it into `content`. `filename` and `contentType` default to the "
        "upload's own. At most `GATEWAY_MAX_UPLOAD_BYTES` bytes (a `TOO_LARGE` user error "
        "past it).",
        metadata=rest(form=Form.UPLOAD),
    )


@strawberry.input(
    description="An attachment in an invoice update: with `id` it changes or removes (`destroy`) "
    "that file; without, it attaches a new one."
)
class AttachmentUpdateInput(ItemChange, AttachmentInput):
    pass


@strawberry.type(description="A file attached to an invoice.")
class Attachment(Mapped):
    id: strawberry.ID = strawberry.field(description="Attachment id.")
    filename: str | None = strawberry.field(default=None, description="File name.")
    url: str | None = strawberry.field(
        default=None, description="Where to download the file (relative or absolute URL)."
    )
