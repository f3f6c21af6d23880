"""The REST API behind `rarecase serve`: the CLI's answers for programs and the page.

The knowledge base, recogniser and disease profiles load once, in the lifespan, and are shared
by every request; each request's CPU work runs in a worker thread so that the event loop keeps
serving (health checks, other requests) meanwhile. Errors always have one shape,
``{"error": {"code", "message"}}``, and the message names the input and the problem the way the
CLI does. Clinical text is never logged: uvicorn's access log shows paths only.
"""

from __future__ import annotations

import asyncio
import json
import os
import threading
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, TypeVar

from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from rarecase import __version__
from rarecase.cli import Settings
from rarecase.cli_corpus import record_json
from rarecase.corpus.ingest import CaseReader
from rarecase.corpus.novelty import novelty as novelty_of
from rarecase.corpus.similar import CaseIndex
from rarecase.corpus.store import CaseStore
from rarecase.diagnose import make_ranker
from rarecase.errors import InputError, RarecaseError, UnknownTermError
from rarecase.ontology.ids import hpo_number
from rarecase.ontology.search import TermSearch
from rarecase.phenopacket.json_io import case_from_dict
from rarecase.phenopacket.terms import case_from_terms
from rarecase.pipeline import AnnotatedDocument, analysis_of, annotate
from rarecase.recognize.recognizer import Recognizer
from rarecase.service.auth import Tokens

MAX_BODY_BYTES = 5 * 1024 * 1024
STATIC = Path(__file__).parent / "static"
T = TypeVar("T")
T_Text = TypeVar("T_Text", bound="TextRequest")


@dataclass(frozen=True)
class ServiceConfig:
    """What `rarecase serve` was told; the environment gives it to each worker process."""

    hpo_dir: Path | None = None
    cache_dir: Path | None = None
    max_body_bytes: int = MAX_BODY_BYTES
    time_limit_s: float = 30.0
    db: str | None = None  # the case store's URL; None: the user's default store
    tokens: Tokens = field(default_factory=Tokens)  # who may write to the store; none: nobody
    open_reads: bool = True  # whether reading the store needs a token too

    @classmethod
    def from_env(cls) -> ServiceConfig:
        hpo = os.environ.get("RARECASE_HPO_DIR")
        cache = os.environ.get("RARECASE_CACHE_DIR")
        return cls(
            hpo_dir=Path(hpo) if hpo else None,
            cache_dir=Path(cache) if cache else None,
            max_body_bytes=int(os.environ.get("RARECASE_MAX_BODY_BYTES", MAX_BODY_BYTES)),
            time_limit_s=float(os.environ.get("RARECASE_TIME_LIMIT_S", 30.0)),
            db=os.environ.get("RARECASE_DB") or None,
            tokens=Tokens.read(
                Path(os.environ["RARECASE_TOKENS_FILE"])
                if os.environ.get("RARECASE_TOKENS_FILE")
                else None,
                os.environ.get("RARECASE_TOKENS"),
            ),
            open_reads=os.environ.get("RARECASE_OPEN_READS", "1") not in ("0", "false", "no"),
        )


class ServiceError(Exception):
    """An answer other than 2xx, already in the API's terms."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def error_body(code: str, message: str) -> dict[str, dict[str, str]]:
    return {"error": {"code": code, "message": message}}


# -------------------------------------------------------------------------- request bodies
class TextRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: str = Field(min_length=1, description="The case report: plain text, HTML, XML or JSON.")
    name: str = Field("text", max_length=200, description="A name for the input, for errors.")


class AnalyzeRequest(TextRequest):
    top: int = Field(10, ge=0, le=100, description="Diagnoses to rank; 0 for none.")
    similar: int = Field(
        5, ge=0, le=100,
        description="Closest stored cases to list, with the novelty check; 0 for neither.",
    )  # fmt: skip


class FindingsRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    present: list[str] = Field(default_factory=list, max_length=500)
    excluded: list[str] = Field(default_factory=list, max_length=500)
    exclude_pmids: list[str] = Field(
        default_factory=list, max_length=100, description="Publications to leave out (PMID:1)."
    )


class SimilarRequest(FindingsRequest):
    top: int = Field(10, ge=1, le=1000)


class NoveltyRequest(FindingsRequest):
    diseases: list[str] = Field(default_factory=list, max_length=50)
    max_size: int = Field(3, ge=1, le=4)


class DiagnoseRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    present: list[str] = Field(default_factory=list, max_length=500)
    excluded: list[str] = Field(default_factory=list, max_length=500)
    phenopacket: dict[str, Any] | None = Field(
        None, description="A phenopacket (v1 or v2 JSON) instead of present/excluded."
    )
    top: int = Field(10, ge=1, le=100)


# ------------------------------------------------------------------------------ the app
class _State:
    """What the lifespan loads once; requests only read it."""

    def __init__(self, config: ServiceConfig) -> None:
        self.config = config
        self.settings = Settings(config.hpo_dir, config.cache_dir)
        self.recognizer: Recognizer = self.settings.recognizer
        self.search = TermSearch(self.settings.kb)
        self.search.search("seizure", limit=1)  # build the index now, not on the first query
        self.ranker = make_ranker(self.settings.profiles)
        self._index_lock = threading.Lock()

    def index(self) -> CaseIndex:
        """The similar-case index of the store, built on first use (the store is seeded with
        the bundled corpus when new) and again when the store changed."""
        with self._index_lock:
            store, _ = self.settings.store(self.config.db)
            return self.settings.case_index(store)

    def with_store(self, function: Callable[[CaseStore], T]) -> T:
        """``function`` on the case store, one request at a time (one connection)."""
        with self._index_lock:
            store, _ = self.settings.store(self.config.db)
            return function(store)

    def checked(self, ids: list[str], what: str) -> tuple[str, ...]:
        """Current HPO ids for ``ids`` (alt ids mapped); unknown or obsolete ones raise."""
        kb = self.settings.kb
        try:
            return tuple(str(kb.term_id(kb.resolve(i, source=what)[0])) for i in ids)
        except InputError as error:  # malformed, unknown or obsolete: the body is at fault
            raise ServiceError(422, "invalid_id", str(error)) from None


def create_app(config: ServiceConfig | None = None) -> FastAPI:
    """The application, for uvicorn or a test client (which runs the lifespan)."""
    config = config or ServiceConfig()
    holder: dict[str, _State] = {}
    running = [0]  # lifespans open: a test client inside another one shares the state

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        if "state" not in holder:
            holder["state"] = await run_in_threadpool(_State, config)
        running[0] += 1
        try:
            yield
        finally:
            running[0] -= 1
            if not running[0]:
                holder.pop("state").settings.close()

    app = FastAPI(
        title="rarecase",
        version=__version__,
        description="Case reports to coded, reasoned cases: phenotypes with status and "
        "subject, the patient's phenopacket, a differential diagnosis.",
        lifespan=lifespan,
    )

    def state() -> _State:
        return holder["state"]

    async def work(function: Callable[[], T]) -> T:
        """CPU work off the event loop, within the time limit."""
        try:
            return await asyncio.wait_for(run_in_threadpool(function), config.time_limit_s)
        except TimeoutError:
            raise ServiceError(
                503, "time_limit", f"the request took over {config.time_limit_s:g} s; "
                "send a shorter text",
            ) from None  # fmt: skip

    _install_error_handlers(app)

    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/", include_in_schema=False)
    async def page() -> FileResponse:
        """The page: plain HTML, CSS and JavaScript from the package, nothing from a CDN."""
        return FileResponse(STATIC / "index.html")

    @app.get("/healthz", tags=["service"])
    async def healthz() -> dict[str, str]:
        """Whether the service is up, and which knowledge it answers from."""
        kb = state().settings.kb
        return {"status": "ok", "version": __version__, "hpo": kb.hpo_version}

    @app.post(
        "/v1/analyze",
        tags=["cases"],
        openapi_extra=_text_or_file(AnalyzeRequest),
    )
    async def analyze(request: Request) -> dict[str, object]:
        """The whole chain on one case report, as `rarecase analyze --format json` gives it:
        mentions with status and subject, the patient, claims, the phenopacket, the
        differential. Send JSON ``{"text": …}`` or upload a file (multipart, field ``file``)."""
        data, name, asked = await _read_input(request, AnalyzeRequest)
        current = state()

        def run() -> dict[str, object]:
            results = annotate(data, recognizer=current.recognizer, name=name)
            if not results:
                raise InputError(name, "holds no document", "give a case report")
            index = current.index() if asked.similar else None
            analysis = analysis_of(
                results[0], current.settings.kb, ranker=current.ranker if asked.top else None,
                top=asked.top, index=index, similar_top=asked.similar,
            )  # fmt: skip
            return analysis.to_json()

        return await work(run)

    @app.post("/v1/annotate", tags=["cases"], openapi_extra=_text_or_file(TextRequest))
    async def annotate_text(request: Request) -> list[dict[str, object]]:
        """Every document of the input with its mentions (status, subject, cue), as
        `rarecase annotate --format json` gives them."""
        data, name, _ = await _read_input(request, TextRequest)
        current = state()

        def run() -> list[dict[str, object]]:
            results: list[AnnotatedDocument] = annotate(
                data, recognizer=current.recognizer, name=name
            )
            return [r.to_json() for r in results]

        return await work(run)

    @app.post("/v1/diagnose", tags=["diagnosis"])
    async def diagnose(request: DiagnoseRequest) -> dict[str, object]:
        """The diseases that best explain the findings (HPO ids present and excluded, or a
        phenopacket), each with its reasons for and against."""
        current = state()

        def run() -> dict[str, object]:
            kb = current.settings.kb
            if request.phenopacket is not None:
                if request.present or request.excluded:
                    raise ServiceError(
                        422, "invalid_request", "give either a phenopacket or present/excluded"
                    )
                case = case_from_dict(request.phenopacket, source="phenopacket")
            else:
                if not request.present:
                    raise ServiceError(422, "invalid_request", "present: give at least one HPO id")
                try:
                    case = case_from_terms(request.present, request.excluded, kb=kb, source="terms")
                except InputError as error:  # a malformed, unknown or obsolete id in the body
                    raise ServiceError(422, "invalid_id", str(error)) from None
            differential = current.ranker.rank(case, top=request.top)
            return {
                "model": differential.model,
                "ranked": differential.ranked,
                "notes": list(differential.notes),
                "diseases": differential.to_json(),
            }

        return await work(run)

    @app.post("/v1/similar", tags=["cases"])
    async def similar(request: SimilarRequest) -> dict[str, object]:
        """The stored published cases most like these findings, with what they share and
        what contradicts them, as `rarecase similar --format json` gives them."""
        current = state()

        def run() -> dict[str, object]:
            present = current.checked(request.present, "present")
            excluded = current.checked(request.excluded, "excluded")
            if not present:
                raise ServiceError(422, "invalid_request", "present: give at least one HPO id")
            index = current.index()
            hits = index.search(
                present, excluded, top=request.top, exclude_pmids=tuple(request.exclude_pmids)
            )
            return {
                "query": {"present": list(present), "excluded": list(excluded)},
                "cases": len(index),
                "corpus": index.name,
                "similar": [h.to_json() for h in hits],
            }

        return await work(run)

    @app.post("/v1/novelty", tags=["cases"])
    async def novelty(request: NoveltyRequest) -> dict[str, object]:
        """Has this combination been reported? The stored cases showing all key findings and
        the smallest combinations none or only one shows, as `rarecase novelty` gives it."""
        current = state()

        def run() -> dict[str, object]:
            present = current.checked(request.present, "present")
            excluded = current.checked(request.excluded, "excluded")
            if not (present or excluded or request.diseases):
                raise ServiceError(422, "invalid_request", "give findings or diseases to check")
            report = novelty_of(
                current.index(), present, excluded, tuple(request.diseases),
                max_size=request.max_size, exclude_pmids=tuple(request.exclude_pmids),
            )  # fmt: skip
            return {**report.to_json(), "statement": report.to_text()}

        return await work(run)

    def authorize(request: Request, *, write: bool) -> None:
        if not write and config.open_reads:
            return
        if not config.tokens:
            raise ServiceError(
                403, "forbidden", "this service takes no writes: it was started without tokens"
            )
        if not config.tokens.accepts(request.headers.get("authorization")):
            raise ServiceError(401, "unauthorized", "give 'Authorization: Bearer <token>'")

    @app.get("/v1/cases", tags=["case store"])
    async def list_cases(
        request: Request,
        pmid: Annotated[str | None, Query(max_length=40)] = None,
        disease: Annotated[str | None, Query(max_length=40)] = None,
        term: Annotated[str | None, Query(max_length=40)] = None,
        limit: Annotated[int, Query(ge=1, le=1000)] = 50,
        offset: Annotated[int, Query(ge=0, le=10**9)] = 0,
    ) -> dict[str, object]:
        """Stored cases in id order, filtered by PMID, diagnosis id or HPO id (present)."""
        authorize(request, write=False)
        current = state()

        def run() -> dict[str, object]:
            def read(store: CaseStore) -> dict[str, object]:
                found = store.select(
                    pmid=pmid, disease=disease, term=term, limit=limit, offset=offset
                )
                return {
                    "total": store.count(),
                    "cases": [record_json(current.settings, r, raw=False) for r in found],
                }

            return current.with_store(read)

        return await work(run)

    @app.get("/v1/cases/{case_id}", tags=["case store"])
    async def get_case(request: Request, case_id: str) -> dict[str, Any]:
        """One stored case with the record it was read from."""
        authorize(request, write=False)
        current = state()
        record = await work(lambda: current.with_store(lambda store: store.get(case_id)))
        if record is None:
            raise ServiceError(404, "unknown_case", f"{case_id}: no such case in the store")
        return record_json(current.settings, record)

    @app.post("/v1/cases", tags=["case store"], status_code=201)
    async def add_cases(request: Request) -> dict[str, Any]:
        """Add a phenopacket (v1 or v2 JSON), a compact case, or a list of them, in one
        transaction: if any is rejected, nothing is written (422 with the reasons)."""
        authorize(request, write=True)
        raw = await request.body()
        current = state()

        def run() -> dict[str, Any]:
            reader = CaseReader(current.settings.kb)
            reader.read_json(raw, "request body")
            if not reader.records and not reader.rejected:
                raise ServiceError(422, "invalid_request", "request body: holds no case")
            report = current.with_store(
                lambda store: store.add(
                    reader.records, rejected=reader.rejected, notes=reader.notes(), strict=True
                )
            )
            if report.rejected:
                raise ServiceError(
                    422, "rejected",
                    "; ".join(f"{r.where}: {r.reason}" for r in report.rejected[:5])
                    + " (nothing was written)",
                )  # fmt: skip
            return report.to_json()

        return await work(run)

    @app.delete("/v1/cases/{case_id}", tags=["case store"])
    async def delete_case(request: Request, case_id: str) -> dict[str, int]:
        """Remove one stored case."""
        authorize(request, write=True)
        current = state()
        removed = await work(lambda: current.with_store(lambda store: store.remove([case_id])))
        if not removed:
            raise ServiceError(404, "unknown_case", f"{case_id}: no such case in the store")
        return {"removed": removed}

    @app.get("/v1/terms", tags=["ontology"])
    async def terms(
        q: Annotated[str, Query(min_length=1, max_length=200, description="Words or an id.")],
        limit: Annotated[int, Query(ge=1, le=50)] = 10,
    ) -> list[dict[str, object]]:
        """Autocomplete over HPO labels and synonyms ("cervical instab", "sezure")."""
        hits = await run_in_threadpool(state().search.search, q, limit=limit)
        return [
            {"id": str(h.term), "label": h.label, "matched": h.matched, "score": h.score}
            for h in hits
        ]

    @app.get("/v1/terms/{term_id}", tags=["ontology"])
    async def term(term_id: str) -> dict[str, object]:
        """One HPO term: label, definition, synonyms, parents, children; alternative ids are
        answered with their term, obsolete ones with 404 naming the replacement."""
        kb = state().settings.kb
        if hpo_number(term_id) is None:
            raise ServiceError(422, "invalid_id", f"{term_id!r} is not an HPO id (HP:0000118)")
        try:
            record = kb.term(term_id)
        except UnknownTermError as error:
            raise ServiceError(404, "unknown_term", str(error)) from None
        return {
            "id": str(record.id),
            "label": record.label,
            "definition": record.definition,
            "synonyms": [s.text for s in record.synonyms],
            "parents": [{"id": str(p), "label": kb.label(str(p))} for p in record.parents],
            "children": [{"id": str(c), "label": kb.label(str(c))} for c in record.children],
            "alt_ids": [str(a) for a in record.alt_ids],
            "information_content": round(record.information_content, 4),
            "disease_count": record.disease_count,
        }

    app.add_middleware(BodyLimit, limit=config.max_body_bytes)
    return app


def app_factory() -> FastAPI:
    """For ``uvicorn --factory`` in each worker process: the configuration from the
    environment `rarecase serve` set."""
    return create_app(ServiceConfig.from_env())


# ------------------------------------------------------------------------------ helpers
def _text_or_file(model: type[BaseModel]) -> dict[str, Any]:
    """The request body as OpenAPI should show it: JSON, or a multipart file upload with the
    model's other fields (the text and its name come from the file)."""
    schema = model.model_json_schema()
    others = {k: v for k, v in schema["properties"].items() if k not in ("text", "name")}
    return {
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": schema},
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "required": ["file"],
                        "properties": {"file": {"type": "string", "format": "binary"}, **others},
                    }
                },
            },
        }
    }


async def _read_input(request: Request, model: type[T_Text]) -> tuple[str | bytes, str, T_Text]:
    """The case report of a text endpoint (the text or the uploaded file's bytes), its name,
    and the request's fields, validated by the endpoint's model whichever way they came."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind == "multipart/form-data":
        async with request.form() as form:  # closes the spooled upload files
            upload = form.get("file")
            if upload is None or isinstance(upload, str):
                raise ServiceError(
                    422, "invalid_request", "multipart body: give the file as 'file'"
                )
            data = await upload.read()
            name = upload.filename or "upload"
            fields = {k: v for k, v in form.multi_items() if k != "file" and isinstance(v, str)}
        if not data:
            raise ServiceError(400, "empty_input", f"{name}: the file is empty")
        # the file is the text: the model checks the other fields (its "text" stands in)
        parsed = _validated(model, {**fields, "text": name, "name": name[:200]})
        return data, name, parsed
    if kind not in ("application/json", ""):
        raise ServiceError(
            415, "unsupported_media_type",
            f"send application/json ({{\"text\": ...}}) or multipart/form-data, not {kind}",
        )  # fmt: skip
    raw = await request.body()
    try:
        data = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ServiceError(400, "invalid_json", f"request body: not JSON ({error})") from None
    parsed = _validated(model, data)
    return parsed.text, parsed.name, parsed


def _validated(model: type[T_Text], data: object) -> T_Text:
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise ServiceError(422, "invalid_request", _problems(error.errors())) from None


def _problems(errors: Sequence[Any]) -> str:
    """Pydantic's validation errors as one line: "top: Input should be … ; text: …"."""
    said = [
        f"{'.'.join(str(p) for p in e.get('loc', ()) if p != 'body') or 'body'}: {e['msg']}"
        for e in errors
    ]
    return "; ".join(said[:5])


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ServiceError)
    async def service_error(_: Request, error: ServiceError) -> JSONResponse:
        return JSONResponse(error_body(error.code, error.message), status_code=error.status)

    @app.exception_handler(RarecaseError)
    async def input_error(_: Request, error: RarecaseError) -> JSONResponse:
        status = 422 if isinstance(error, UnknownTermError) else 400
        if not isinstance(error, InputError):
            status = 500
        code = type(error).__name__.removesuffix("Error").lower() or "input"
        return JSONResponse(error_body(code, str(error)), status_code=status)

    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, error: RequestValidationError) -> JSONResponse:
        return JSONResponse(
            error_body("invalid_request", _problems(error.errors())), status_code=422
        )

    @app.exception_handler(HTTPException)
    async def http_error(_: Request, error: HTTPException) -> JSONResponse:
        code = {404: "not_found", 405: "method_not_allowed"}.get(error.status_code, "http")
        return JSONResponse(error_body(code, str(error.detail)), status_code=error.status_code)


class BodyLimit:
    """Refuse a request body over ``limit`` bytes with 413, whether it declares its length or
    streams it, before any of it reaches the application."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers", ())).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await self._refuse(send)
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise _TooLargeError
            return message

        try:
            await self.app(scope, counted, send)
        except _TooLargeError:
            await self._refuse(send)

    async def _refuse(self, send: Send) -> None:
        body = json.dumps(
            error_body("too_large", f"request body over {self.limit:,} bytes")
        ).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [(b"content-type", b"application/json")],
            }
        )
        await send({"type": "http.response.body", "body": body})


class _TooLargeError(Exception):
    pass


__all__ = ["ServiceConfig", "app_factory", "create_app"]
