"""`classify-serve`: the classifier as an HTTP service (FastAPI under uvicorn) and the recruiters' page.

The model is loaded once per worker process; classification runs in threads beside the event loop,
which keeps answering while a long posting is analysed. No posting is logged or stored: uvicorn's
access log is off and nothing here logs a body.
"""
from __future__ import annotations

import io
import json
import os
from collections.abc import Iterator
from typing import Literal

import anyio
import click
from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, JSONResponse, Response, StreamingResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException

from . import __version__
from .batch import RowWriter, classified_rows, classifier_for, writer_for
from .documents import document_text
from .errors import ClassifierError, InputError
from .render import as_json, names_script
from .tables import SAMPLE_BYTES, Columns, Row, detect_encoding, read_csv, read_jsonl
from .workbooks import read_workbook
from .web import ASSETS

MAX_POSTING_BYTES = 1 << 20  # 1 MiB: a posting is a few kB; one of several MB is not a posting
MAX_BATCH_BYTES = 64 << 20  # 64 MiB per batch request; split bigger exports or use the command line
DRAINED_FACTOR = 4  # a body up to 4 × the limit is read to its end before it is refused
FLUSH_BYTES = 1 << 16  # a streamed batch answer is sent in pieces of about this size
# Postings classified at once, each in a thread of its own. More threads would only fight for the GIL
# (analysis is serialised anyway); two let a short posting through while a long one is analysed.
CLASSIFYING_THREADS = 2
JSON_TYPES = ("application/json",)
JSON_LINES_TYPES = ("application/x-ndjson", "application/jsonl", "application/json-lines", "application/x-jsonlines")
CSV_TYPES = ("text/csv", "application/csv")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCUMENT_TYPES = {"application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
                  "application/vnd.oasis.opendocument.text": ".odt", "multipart/related": ".mhtml",
                  "application/pdf": ".pdf"}
MAX_DOCUMENT_BYTES = 16 << 20  # a posting saved from a word processor, pictures included
BINARY_BODY = {"schema": {"type": "string", "format": "binary"}}  # OpenAPI: a file as the body
WORKER_START_SECONDS = 120  # time a worker has to load the model (uvicorn's default of 5 s restarts slow ones)
MODEL_ENV, RULES_ENV = "CLASSIFY_SERVE_MODEL", "CLASSIFY_SERVE_RULES"

POSTING_SCHEMA = {
    "type": "object",
    "required": ["text"],
    "properties": {
        "text": {"type": "string", "description": "The posting: plain text, Markdown or HTML."},
        "title": {"type": ["string", "null"], "description": "The job title, when known."},
    },
}


class RequestError(Exception):
    """A request the service refuses, answered as `{"error": message}` with `status`."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def _media_type(request: Request) -> str:
    return request.headers.get("content-type", "").split(";")[0].strip().lower()


async def _body(request: Request, limit: int) -> bytes:
    """The request body, refused (413) when it exceeds `limit` bytes. A body a little too large is
    read to its end and dropped, so that the client, still sending, gets the answer instead of a
    reset connection; one declared or found far larger is refused at once."""
    too_large = RequestError(413, f"the body is larger than the limit of {limit:,} bytes")
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > DRAINED_FACTOR * limit:
        raise too_large
    parts, size = [], 0
    async for part in request.stream():
        size += len(part)
        if size <= limit:
            parts.append(part)
        elif size > DRAINED_FACTOR * limit:
            break
    if size > limit:
        raise too_large
    return b"".join(parts)


def _json(body: bytes):
    """A JSON body, or a 422 saying where it is malformed."""
    try:
        return json.loads(body)
    except json.JSONDecodeError as error:
        raise RequestError(422, f"malformed JSON: {error.msg} at line {error.lineno} column {error.colno}") from None
    except UnicodeDecodeError:
        raise RequestError(422, "malformed JSON: the body is not UTF-8") from None


def _posting(body: bytes) -> tuple[str, str | None]:
    """(text, title) of a /v1/classify body, or a 422 saying what is wrong with it."""
    payload = _json(body)
    if not isinstance(payload, dict):
        raise RequestError(422, 'the body must be a JSON object: {"text": "…", "title": "…"}')
    text, title = payload.get("text"), payload.get("title")
    if text is None:
        raise RequestError(422, 'missing "text": the posting to classify')
    if not isinstance(text, str):
        raise RequestError(422, f'"text" must be a string, not {type(text).__name__}')
    if title is not None and not isinstance(title, str):
        raise RequestError(422, f'"title" must be a string or null, not {type(title).__name__}')
    return text, title


def _table_text(body: bytes) -> tuple[io.TextIOWrapper, str]:
    """A batch body as text and its encoding, detected as for files (undecodable bytes become row errors)."""
    encoding = detect_encoding(body[:SAMPLE_BYTES])
    return io.TextIOWrapper(io.BytesIO(body), encoding=encoding, errors="surrogateescape", newline=""), encoding


def _json_array_lines(body: bytes) -> io.StringIO:
    """A JSON array of postings as JSON Lines, so that it is read as a JSON Lines body is."""
    items = _json(body)
    if not isinstance(items, list):
        raise RequestError(422, "the body must be a JSON array of postings (objects with a text field)")
    return io.StringIO("".join(json.dumps(item, ensure_ascii=False) + "\n" for item in items))


def _workbook_rows(body: bytes, columns: dict, sheet: str | None, limit: int) -> tuple[list[str], Columns, list[Row]]:
    """A workbook body's header, columns and rows, all read before any answer is sent, so that a
    sheet that breaks off is a 422, not an answer cut short. Unpacked, the body may hold no more
    than `limit` bytes: openpyxl holds the shared strings in memory, about nine times their size (a
    zip bomb of 268 MB took 2.4 GB); bigger exports go through the command line."""
    header, found, rows = read_workbook(io.BytesIO(body), columns, sheet, "the body", limit)
    return header, found, list(rows)


class _WorkbookBuffer(io.BytesIO):
    """Where a workbook answer is written, in memory (`WorkbookWriter` saves through `save_with`)."""

    def save_with(self, save) -> None:
        save(self)


def _workbook(header: list[str], columns, rows, model, rules) -> bytes:
    """The batch answer as a workbook: every row with its result cells, in order."""
    buffer = _WorkbookBuffer()
    writer = writer_for(buffer, "xlsx", header, columns, excel=False, delimiter=",")
    for row, cells in classified_rows(rows, 1, model, rules):
        writer.write(row, cells)
    writer.finish()
    return buffer.getvalue()


def _streamed(writer_stream: io.StringIO, writer: RowWriter, rows, model, rules) -> Iterator[str]:
    """The batch answer in pieces: every row with its result cells, in order, classified chunk by chunk."""
    for row, cells in classified_rows(rows, 1, model, rules):
        writer.write(row, cells)
        if writer_stream.tell() >= FLUSH_BYTES:
            yield writer_stream.getvalue()
            writer_stream.seek(0)
            writer_stream.truncate()
    yield writer_stream.getvalue()


def create_app(model: str | None = None, rules: str | None = None, max_posting_bytes: int = MAX_POSTING_BYTES,
               max_batch_bytes: int = MAX_BATCH_BYTES) -> FastAPI:
    """The service, with the model of `model` and the rules of `rules` (default: shipped) loaded now."""
    classifier = classifier_for(model, rules)
    classifying = anyio.CapacityLimiter(CLASSIFYING_THREADS)

    async def on_classifying_thread(work, *args):
        """`work(*args)` on one of the threads that classify postings (as many at once as
        CLASSIFYING_THREADS); an InputError it raises is the request's 422."""
        try:
            return await anyio.to_thread.run_sync(work, *args, limiter=classifying)
        except InputError as error:
            raise RequestError(422, str(error)) from None
    app = FastAPI(title="classify — CPO, PO, PM or OTHER", version=__version__, docs_url=None, redoc_url=None,
                  description="Classify French job postings as CPO, PO, PM or OTHER, with the evidence. "
                              "No posting is logged or stored. Errors are `{\"error\": \"one line\"}`.")
    app.mount("/static", StaticFiles(directory=ASSETS), name="static")
    app.mount("/docs-assets", StaticFiles(directory=_swagger_ui_dir()), name="docs-assets")

    @app.exception_handler(RequestError)
    async def refused(request: Request, error: RequestError):
        return JSONResponse({"error": error.message}, status_code=error.status)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, error: HTTPException):
        return JSONResponse({"error": str(error.detail)}, status_code=error.status_code, headers=error.headers)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, error: RequestValidationError):
        first = error.errors()[0]
        where = ".".join(str(part) for part in first.get("loc", ()))
        return JSONResponse({"error": f"{where}: {first.get('msg', 'invalid')}"}, status_code=422)

    @app.get("/", include_in_schema=False)
    async def page():
        return FileResponse(ASSETS / "index.html", media_type="text/html; charset=utf-8")

    @app.get("/names.js", include_in_schema=False)
    async def names():
        return Response(names_script(), media_type="text/javascript; charset=utf-8")

    @app.get("/docs", include_in_schema=False)
    async def docs(request: Request):
        root = request.scope.get("root_path", "")
        return get_swagger_ui_html(openapi_url=f"{root}{app.openapi_url}", title=f"{app.title} — API",
                                   swagger_js_url=f"{root}/docs-assets/swagger-ui-bundle.js",
                                   swagger_css_url=f"{root}/docs-assets/swagger-ui.css",
                                   swagger_favicon_url=f"{root}/docs-assets/favicon-32x32.png",
                                   swagger_ui_parameters={"validatorUrl": None})  # no call to an online validator

    @app.get("/healthz", summary="The service is up and its model loaded")
    async def healthz():
        return {"status": "ok"}

    @app.get("/v1/model", summary="The model: version, classes, training date, digests of its corpus and rules")
    async def model_info():
        manifest = classifier.model.manifest
        return {
            "model_version": manifest.get("model_version"),
            "classes": classifier.classes,
            "trained": manifest.get("created"),
            "training_data": manifest.get("training_data", {}),
            "rules": manifest.get("rules", {}),
            "libraries": manifest.get("libraries", {}),
        }

    @app.post("/v1/classify", summary="Classify one posting",
              description="The same JSON as `classify --format json`. `explain=label` explains the label's "
                          f"class only, `none` no class. Body: at most {max_posting_bytes:,} bytes.",
              openapi_extra={"requestBody": {"required": True, "content": {"application/json": {"schema": POSTING_SCHEMA}}}},
              responses={413: {"description": "Body too large"}, 415: {"description": "Not application/json"},
                         422: {"description": "Malformed JSON, missing text or empty posting"}})
    async def classify(request: Request, explain: Literal["label", "all", "none"] = "all"):
        if _media_type(request) not in JSON_TYPES:
            raise RequestError(415, f"send the posting as application/json, not {_media_type(request) or 'no content type'}")
        text, title = _posting(await _body(request, max_posting_bytes))

        def answer() -> str:
            result = classifier.classify(text, title, explain="label" if explain == "none" else explain)
            if explain == "none":
                result.explanation = {}
            return as_json(result, indent=None)

        return Response(await on_classifying_thread(answer), media_type="application/json")

    @app.post("/v1/document-text", summary="Read a posting saved from a word processor",
              description="A Word (.docx), OpenDocument (.odt) or PDF posting, or a web page saved as one file "
                          "(.mhtml, `multipart/related`) → `{\"text\": \"…\"}`, the text the "
                          "document shows as `classify offre.docx` reads it (headings as `#` lines, list items as "
                          f"bullets), to send to /v1/classify. Body: at most {MAX_DOCUMENT_BYTES:,} bytes.",
              openapi_extra={"requestBody": {"required": True, "content": {
                  media: BINARY_BODY for media in DOCUMENT_TYPES}}},
              responses={413: {"description": "Body too large"},
                         415: {"description": "Not a Word, OpenDocument, PDF or saved-page type"},
                         422: {"description": "Not a readable document, or an empty one"}})
    async def document(request: Request):
        kind = _media_type(request)
        if kind not in DOCUMENT_TYPES:
            raise RequestError(415, f"send a Word (.docx), OpenDocument (.odt) or PDF document or a saved web page (.mhtml), "
                                    f"not {kind or 'no content type'}")
        body = await _body(request, MAX_DOCUMENT_BYTES)
        return JSONResponse({"text": await on_classifying_thread(document_text, io.BytesIO(body), DOCUMENT_TYPES[kind],
                                                                 "the body")})

    @app.post("/v1/classify-batch", summary="Classify a table of postings",
              description="A JSON array of postings, or a CSV, JSON Lines or Excel (.xlsx) body; the answer is "
                          "streamed as JSON Lines or CSV, or sent as a workbook (by `Accept`), with the columns of "
                          "the command line's batch output, one row per input row, in order, a row that cannot be "
                          f"classified with its `error`. Body: at most {max_batch_bytes:,} bytes.",
              openapi_extra={"requestBody": {"required": True, "content": {
                  "application/json": {"schema": {"type": "array", "items": POSTING_SCHEMA}},
                  "text/csv": {"schema": {"type": "string"}},
                  "application/x-ndjson": {"schema": {"type": "string"}},
                  XLSX_TYPE: BINARY_BODY}}},
              responses={200: {"content": {"application/x-ndjson": {}, "text/csv": {}, XLSX_TYPE: {}}},
                         413: {"description": "Body too large"}, 415: {"description": "Unknown content type"},
                         422: {"description": "No text column, empty table, malformed JSON"}})
    async def classify_batch(request: Request, excel: bool = Query(False, description="CSV for French Excel: ';', BOM, decimal comma"),
                             text_column: str | None = None, title_column: str | None = None,
                             id_column: str | None = None, delimiter: str | None = None,
                             sheet: str | None = Query(None, description="Excel bodies: the sheet, by name or number "
                                                                         "from 1 (default: the first)")):
        kind = _media_type(request)
        if kind not in JSON_TYPES + JSON_LINES_TYPES + CSV_TYPES + (XLSX_TYPE,):
            raise RequestError(415, f"send a JSON array, CSV (text/csv), JSON Lines (application/x-ndjson) or an "
                                    f"Excel workbook ({XLSX_TYPE}), not {kind or 'no content type'}")
        if delimiter in ("tab", "\\t"):
            delimiter = "\t"
        if delimiter is not None and len(delimiter) != 1:
            raise RequestError(422, "the delimiter is one character (or 'tab')")
        body = await _body(request, max_batch_bytes)
        columns = {"text": text_column, "title": title_column, "id": id_column}
        try:
            if kind in CSV_TYPES:
                header, found, rows = read_csv(*_table_text(body), delimiter, columns)
            elif kind in JSON_LINES_TYPES:
                header, found, rows = read_jsonl(*_table_text(body), columns)
            elif kind == XLSX_TYPE:
                header, found, rows = await anyio.to_thread.run_sync(_workbook_rows, body, columns, sheet,
                                                                      max_batch_bytes)
            else:
                header, found, rows = read_jsonl(_json_array_lines(body), "utf-8", columns)
        except ClassifierError as error:
            raise RequestError(422, str(error)) from None
        if XLSX_TYPE in request.headers.get("accept", "") and not excel:
            answer = await anyio.to_thread.run_sync(_workbook, header, found, rows, model, rules)
            return Response(answer, media_type=XLSX_TYPE)
        as_csv = excel or "text/csv" in request.headers.get("accept", "")
        stream = io.StringIO()
        writer = RowWriter(stream, "csv" if as_csv else "jsonl", header, excel)
        media = "text/csv; charset=utf-8" if as_csv else "application/x-ndjson"
        return StreamingResponse(_streamed(stream, writer, rows, model, rules), media_type=media)

    return app


def _swagger_ui_dir():
    from swagger_ui_bundle import swagger_ui_path

    return swagger_ui_path


def app_from_environment() -> FastAPI:
    """The app factory uvicorn's workers call: model and rules from the environment `serve` sets."""
    return create_app(os.environ.get(MODEL_ENV) or None, os.environ.get(RULES_ENV) or None)


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="Port to listen on.")
@click.option("--model", type=click.Path(file_okay=False), help="Model directory (default: the shipped model).")
@click.option("--rules", type=click.Path(file_okay=False), help="Directory of rule files (*.toml).")
@click.option("--workers", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Worker processes, each with its own copy of the model.")
@click.option("--root-path", default="", help="The path prefix a reverse proxy serves the service under (e.g. /classify).")
@click.option("--forwarded-allow-ips", default="127.0.0.1", show_default=True,
              help="Proxies whose X-Forwarded-For/-Proto headers are trusted (comma-separated, or '*').")
@click.version_option(__version__, "--version", prog_name="classify-serve")
def serve_command(host, port, model, rules, workers, root_path, forwarded_allow_ips):
    """Serve the classifier over HTTP: POST /v1/classify, POST /v1/classify-batch, GET /v1/model,
    GET /healthz, the API documentation at /docs and the recruiters' page at /."""
    import uvicorn

    from .cli import guarded

    @guarded("classify-serve")
    def run():
        os.environ[MODEL_ENV], os.environ[RULES_ENV] = model or "", rules or ""
        classifier_for(model, rules)  # load now: a bad model or rule file stops here, with its message
        uvicorn.run("classifier.serve:app_from_environment", factory=True, host=host, port=port, workers=workers,
                    access_log=False, root_path=root_path, proxy_headers=True,
                    forwarded_allow_ips=forwarded_allow_ips, log_level="info",
                    timeout_worker_healthcheck=WORKER_START_SECONDS)

    run()
