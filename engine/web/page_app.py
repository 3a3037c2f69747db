"""The partner's page: a small, mobile-first web app over the same Engine commands as the
CLI, mounted beside the feeds by :func:`engine.web.create_app`.

Requests, routing, forms and cookies go through Werkzeug and the HTML through Jinja2 with
autoescaping, so nothing here escapes HTML, parses a form or signs a cookie by hand.

- ``GET /join/<token>`` exchanges an invite token for a session cookie and answers 303
  to ``/me``, so the token leaves the address bar; unknown, revoked and erased invites get
  one identical 404, and an address that keeps presenting bad tokens is asked to wait.
- ``/me`` and its screens need the session cookie; without it they say where to open the
  invite, and grant nothing. Every form carries the session's CSRF token.
- Every answer carries a strict Content-Security-Policy (no script at all, styles only
  from ``/static/page.css``), ``Referrer-Policy: no-referrer`` and ``Cache-Control:
  no-store``. Bodies above 16 KB get 413 before anything is parsed.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from importlib.resources import files
from typing import TYPE_CHECKING, Any

from jinja2 import Environment, PackageLoader, select_autoescape
from werkzeug.exceptions import HTTPException, MethodNotAllowed, RequestEntityTooLarge
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from engine.domain.invites import JOIN_PATH, PAGE_PATH
from engine.errors import NotFound, StoreUnavailable
from engine.views.invites import PageTarget
from engine.web import page_context as screens
from engine.web.http import loggable_path
from engine.web.page_forms import FORMS, Refused
from engine.web.page_session import (
    COOKIE,
    COOKIE_MAX_AGE,
    Backoff,
    Session,
    csrf_ok,
    csrf_token,
    invite_of,
    new_cookie,
    verify,
)

if TYPE_CHECKING:
    from wsgiref.types import StartResponse, WSGIEnvironment

    from engine.api import Engine

log = logging.getLogger("engine.web")
access_log = logging.getLogger("engine.web.access")

BODY_MAX = 16 * 1024
"""The largest request body accepted: far more than the longest note or appreciation."""

CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)
SECURITY_HEADERS = (
    ("Content-Security-Policy", CSP),
    ("Referrer-Policy", "no-referrer"),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
)
PAGE_PREFIXES = (JOIN_PATH, PAGE_PATH, "/static/")
"""The paths the page answers; every other path stays the feed server's."""

STATIC = {"page.css": "text/css; charset=utf-8"}


class PageRequest(Request):
    """A request whose body is bounded before anything reads it."""

    max_content_length = BODY_MAX
    max_form_memory_size = BODY_MAX
    max_form_parts = 50


URLS = Map(
    [
        Rule(f"{JOIN_PATH}<token>", endpoint="join", methods=["GET"]),
        Rule(PAGE_PATH, endpoint="today", methods=["GET"]),
        Rule(f"{PAGE_PATH}/at/<ritual_id>/<stamp>", endpoint="occurrence", methods=["GET"]),
        *(
            Rule(path, endpoint=key, methods=["GET"])
            for key, path, _ in screens.SCREENS
            if key != "today"
        ),
        Rule(f"{PAGE_PATH}/do/<form>", endpoint="post", methods=["POST"]),
        Rule(f"{PAGE_PATH}/leave", endpoint="leave", methods=["POST"]),
        Rule("/static/<name>", endpoint="static", methods=["GET"]),
    ],
    strict_slashes=False,
)

Screen = Callable[["Engine", PageTarget], dict[str, Any]]
SCREEN_CONTEXT: dict[str, Screen] = {
    "today": screens.today,
    "words": screens.words,
    "together": screens.together,
    "plan": screens.plan,
    "progress": screens.progress,
}


class PageApp:
    """The WSGI application of the partner's page."""

    def __init__(self, engine: Engine, *, backoff: Backoff | None = None) -> None:
        self.engine = engine
        self.backoff = backoff or Backoff()
        self.templates = Environment(
            loader=PackageLoader("engine.web", "templates"),
            autoescape=select_autoescape(default=True, default_for_string=True),
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.templates.filters["local"] = self._local
        self._static = {
            name: (files("engine.web").joinpath("static", name).read_bytes(), kind)
            for name, kind in STATIC.items()
        }

    @staticmethod
    def handles(path: str) -> bool:
        """Whether ``path`` belongs to the page (the rest is the feed server's)."""
        return path.startswith(PAGE_PREFIXES)

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        started = time.perf_counter()
        request = PageRequest(environ)
        try:
            response = self._dispatch(request)
        except RequestEntityTooLarge:
            response = self._message(413, "That was more than this page can take at once.")
        except StoreUnavailable:
            log.warning("the database is unavailable; the page answered 503")
            response = self._message(503, "The page is taking a short rest. Please try again.")
            response.headers["Retry-After"] = "30"
        except Exception:
            log.exception("could not serve %s", loggable_path(request.path))
            response = self._message(500, "Something went wrong on our side. Please try again.")
        for name, value in SECURITY_HEADERS:
            response.headers.setdefault(name, value)
        response.headers.setdefault("Cache-Control", "no-store")
        if access_log.isEnabledFor(logging.INFO):
            took = (time.perf_counter() - started) * 1000
            access_log.info(
                "%s %s %s %.1fms",
                loggable_path(request.method),
                self._shown(request.path),
                response.status_code,
                took,
            )
        return response(environ, start_response)

    @staticmethod
    def _shown(path: str) -> str:
        if path.startswith(JOIN_PATH):
            return f"{JOIN_PATH}<token>"
        return loggable_path(path)

    def _dispatch(self, request: PageRequest) -> Response:
        adapter = URLS.bind_to_environ(request.environ)
        try:
            endpoint, args = adapter.match()
        except MethodNotAllowed as e:
            response = self._message(405, "This address does not take that kind of request.")
            response.headers["Allow"] = ", ".join(e.valid_methods or ())
            return response
        except HTTPException:  # NoRoute, and redirects werkzeug would suggest
            return self._not_found()
        if endpoint == "static":
            return self._static_file(args["name"])
        if endpoint == "join":
            return self._join(request, args["token"])
        found = self._session(request)
        if found is None:
            return self._no_session(request)
        target, session = found
        try:
            if endpoint == "leave":
                return self._leave(request, target, session)
            if endpoint == "post":
                return self._post(request, target, session, args["form"])
            if endpoint == "occurrence":
                return self._occurrence(request, target, session, **args)
            return self._screen(request, target, session, endpoint)
        except NotFound:
            return self._not_found()

    # -- sessions ------------------------------------------------------------------------

    def _join(self, request: PageRequest, token: str) -> Response:
        address = request.remote_addr or "unknown"
        now = self.engine.now()
        wait = self.backoff.wait(address, now)
        if wait.total_seconds() > 0:
            response = self._message(
                429, "Too many links that did not work came from here; please wait a moment."
            )
            response.headers["Retry-After"] = str(max(1, int(wait.total_seconds() + 0.999)))
            return response
        target = self.engine.invite_target(token)
        if target is None:
            self.backoff.missed(address, now)
            return self._not_found()
        response = self._redirect(PAGE_PATH + "?done=welcome")
        response.set_cookie(
            COOKIE,
            new_cookie(target),
            max_age=int(COOKIE_MAX_AGE.total_seconds()),
            path="/",
            secure=request.is_secure,
            httponly=True,
            samesite="Strict",
        )
        return response

    def _session(self, request: PageRequest) -> tuple[PageTarget, Session] | None:
        cookie = request.cookies.get(COOKIE)
        invite_id = invite_of(cookie) if cookie else None
        if cookie is None or invite_id is None:
            return None
        target = self.engine.session_target(invite_id)
        if target is None:
            return None
        session = verify(cookie, target)
        return None if session is None else (target, session)

    def _no_session(self, request: PageRequest) -> Response:
        if request.method == "GET" and "again" not in request.args:
            # A tap in a web calendar is a cross-site visit, which a SameSite=Strict cookie
            # does not join; one reload from this site itself brings the cookie along.
            page = self.templates.get_template("again.html").render(again=request.path + "?again=1")
            return Response(page, 200, content_type="text/html; charset=utf-8")
        return self._message(
            403,
            "This page opens on the phone where you opened your invite link; "
            "ask your partner for a fresh invite if you need one.",
        )

    def _leave(self, request: PageRequest, target: PageTarget, session: Session) -> Response:
        if not csrf_ok(request.form.get("csrf"), session, target):
            return self._message(403, "That form was out of date; please try again.")
        response = self._message(200, "You have left the page on this device. See you soon.")
        response.delete_cookie(COOKIE, path="/", httponly=True, samesite="Strict")
        return response

    # -- screens and forms ---------------------------------------------------------------

    def _screen(
        self,
        request: PageRequest,
        target: PageTarget,
        session: Session,
        screen: str,
        *,
        refused: Refused | None = None,
        status: int = 200,
    ) -> Response:
        ctx = SCREEN_CONTEXT[screen](self.engine, target)
        return self._render(f"{screen}.html", ctx, request, target, session, refused, status)

    def _occurrence(
        self,
        request: PageRequest,
        target: PageTarget,
        session: Session,
        ritual_id: str,
        stamp: str,
        *,
        refused: Refused | None = None,
        status: int = 200,
    ) -> Response:
        at = screens.parse_stamp(stamp)
        ctx = None if at is None else screens.occurrence(self.engine, target, ritual_id, at)
        if ctx is None:
            return self._not_found()
        return self._render("occurrence.html", ctx, request, target, session, refused, status)

    def _render(
        self,
        template: str,
        ctx: dict[str, Any],
        request: PageRequest,
        target: PageTarget,
        session: Session,
        refused: Refused | None,
        status: int,
    ) -> Response:
        done = request.args.get("done", "")
        ctx.update(
            csrf=csrf_token(session, target),
            done=screens.DONE.get(done),
            refused=refused,
            here=request.path,
        )
        page = self.templates.get_template(template).render(ctx)
        return Response(page, status, content_type="text/html; charset=utf-8")

    def _post(
        self, request: PageRequest, target: PageTarget, session: Session, form: str
    ) -> Response:
        handler = FORMS.get(form)
        if handler is None:
            return self._not_found()
        back = request.form.get("back", PAGE_PATH)
        if not csrf_ok(request.form.get("csrf"), session, target):
            refused = Refused(
                "csrf", "This form was out of date, so nothing was saved; please try again."
            )
            return self._back(request, target, session, back, refused, 403)
        outcome = handler(self.engine, target, request.form)
        if isinstance(outcome, Refused):
            return self._back(request, target, session, back, outcome, outcome.status)
        return self._redirect(f"{_safe_back(back)}?done={outcome}#{form}")

    def _back(
        self,
        request: PageRequest,
        target: PageTarget,
        session: Session,
        back: str,
        refused: Refused,
        status: int,
    ) -> Response:
        """The page the form was on, again, with the reason it was refused at the form."""
        path = _safe_back(back)
        for key, screen_path, _ in screens.SCREENS:
            if path == screen_path:
                return self._screen(request, target, session, key, refused=refused, status=status)
        parts = path.removeprefix(PAGE_PATH + "/at/").split("/")
        if path.startswith(PAGE_PATH + "/at/") and len(parts) == 2:
            return self._occurrence(
                request, target, session, parts[0], parts[1], refused=refused, status=status
            )
        return self._screen(request, target, session, "today", refused=refused, status=status)

    # -- plain answers -------------------------------------------------------------------

    def _redirect(self, location: str) -> Response:
        response = Response("", 303)
        response.headers["Location"] = location
        return response

    def _not_found(self) -> Response:
        return self._message(
            404,
            "There is nothing at this address. If someone sent you a link, ask them for a "
            "fresh one.",
        )

    def _message(self, status: int, text: str) -> Response:
        page = self.templates.get_template("message.html").render(text=text)
        return Response(page, status, content_type="text/html; charset=utf-8")

    def _static_file(self, name: str) -> Response:
        found = self._static.get(name)
        if found is None:
            return self._not_found()
        body, kind = found
        response = Response(body, 200, content_type=kind)
        response.headers["Cache-Control"] = "public, max-age=3600"
        return response

    def _local(self, moment: Any, fmt: str = "%a %d %b, %H:%M") -> str:
        return moment.strftime(fmt) if moment is not None else ""


def _safe_back(path: str) -> str:
    """Where a form may lead back to: one of the page's own paths, never elsewhere."""
    if path.startswith(PAGE_PATH) and "//" not in path and "\\" not in path and "?" not in path:
        return path.split("#", 1)[0]
    return PAGE_PATH
