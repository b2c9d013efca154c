"""No secret reaches a saved recording: random exchanges with secrets of every family (by
value, by shape, by name) at random places and depths, and each case the issue names.

Every secret is made of pieces of upper-case letters and digits (at least one of each, 8
or more characters), and everything around them of lower-case letters and punctuation: a
piece found in the file's bytes is a leak, never a coincidence.
"""

from __future__ import annotations

import base64
import itertools
import json
import string
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from contract_tests import _api as api
from contract_tests._recorder import record, save, to_recording
from contract_tests._scrub import Scrubber
from contract_tests._spec import Spec, load_spec

A2E_URL = "https://video.a2e.ai"
_FILLER = st.text(alphabet=string.ascii_lowercase + " .,!-", max_size=12)
_SAFE_KEYS = ("data", "detail", "note", "msg", "items", "url", "value", "label", "key", "rows")
# Names of JSON fields and `name=value` pairs that say secret, as the issue lists them.
_SECRET_NAMES = (
    "password", "passwd", "pwd", "passphrase", "secret", "client_secret", "token",
    "refresh_token", "api_key", "apiKey", "authorization", "sessionId",
)  # fmt: skip
# Query parameters that sign or authorize a URL.
_SIGNING = (
    "X-Goog-Signature", "X-Goog-Credential", "X-Amz-Signature", "X-Amz-Credential",
    "X-Amz-Security-Token", "Signature", "sig", "token", "access_token", "key", "api_key",
    "Key-Pair-Id", "Policy",
)  # fmt: skip

Found = tuple[Any, list[str]]  # a value and the pieces of secret in it


def _piece() -> st.SearchStrategy[str]:
    alphabet = string.ascii_uppercase + string.digits
    return st.builds(
        lambda letter, digit, rest: letter + digit + rest,
        st.sampled_from(string.ascii_uppercase),
        st.sampled_from(string.digits),
        st.text(alphabet=alphabet, min_size=6, max_size=14),
    )


def _cased(names: tuple[str, ...]) -> st.SearchStrategy[str]:
    """One of `names`, in any mix of upper and lower case."""
    return st.sampled_from(names).flatmap(
        lambda name: st.lists(st.booleans(), min_size=len(name), max_size=len(name)).map(
            lambda upper: "".join(
                c.upper() if u else c.lower() for c, u in zip(name, upper, strict=True)
            )
        )
    )


def _joined(separators: str) -> st.SearchStrategy[Found]:
    """Pieces joined by some of `separators`: a credential with punctuation in it."""
    return st.lists(_piece(), min_size=1, max_size=3).flatmap(
        lambda pieces: st.lists(
            st.sampled_from(separators), min_size=len(pieces) - 1, max_size=len(pieces) - 1
        ).map(
            lambda seps: ("".join(p + s for p, s in zip(pieces, [*seps, ""], strict=True)), pieces)
        )
    )


_HOST = st.sampled_from(["cdn.example.com", "storage.googleapis.com", "s3.amazonaws.com"])


@st.composite
def _carrier(draw: st.DrawFn) -> Found:
    """A string that carries a secret of one family, as it would appear in text."""
    family = draw(st.integers(0, 8))
    piece = draw(_piece())
    if family == 0:  # an sk_ key, with `.`, `-` and `_` in it
        joined, pieces = draw(_joined("._-"))
        return f"sk_{draw(st.sampled_from(['', 'live_', 'test.']))}{joined}", pieces
    if family == 1:  # Bearer <anything>
        joined, pieces = draw(_joined("-._~+/"))
        space = draw(st.sampled_from([" ", "  ", "%20", "+"]))
        return (
            f"{draw(_cased(('Bearer',)))}{space}{joined}{draw(st.sampled_from(['', '=']))}",
            pieces,
        )
    if family == 2:  # a password in a URL's user info
        user = draw(st.sampled_from(["alice", "", "svc"]))
        return f"{draw(st.sampled_from(['https', 'ftp']))}://{user}:{piece}@{draw(_HOST)}/f", [
            piece
        ]
    if family == 3:  # a signed URL
        name = draw(_cased(_SIGNING))
        joined, pieces = draw(_joined(["%2F", "%2B", "-", "_", "~"]))  # type: ignore[arg-type]
        before = draw(st.sampled_from(["", "v=2&", "X-Amz-Date=x&"]))
        return f"https://{draw(_HOST)}/o.wav?{before}{name}={joined}&w=1", pieces
    if family == 4:  # name=value, name: value, name="value"
        name = draw(_cased(_SECRET_NAMES))
        sep = draw(st.sampled_from(["=", ": ", ":", " = "]))
        quote_mark = draw(st.sampled_from(["", '"', "'"]))
        return f"{name}{sep}{quote_mark}{piece}{quote_mark}", [piece]
    if family == 5:  # JSON inside the text, the secret nested in a secret field
        name = draw(_cased(_SECRET_NAMES))
        value = draw(st.sampled_from([piece, [piece], {"v": piece}, {"v": [0, {"w": piece}]}]))
        return json.dumps({"ok": True, name: value}), [piece]
    if family == 6:  # a session id as a path parameter
        name = draw(_cased(("jsessionid", "sessionid", "PHPSESSID")))
        return f"https://{draw(_HOST)}/app;{name}={piece}?x=1", [piece]
    if family == 7:  # a JWT
        header = base64.urlsafe_b64encode(b'{"alg":"HS256"}').decode().rstrip("=")
        return f"{header}.{piece}.{draw(_piece())}", [piece]
    name = draw(_cased(_SIGNING))  # in a URL in prose, after `&`
    return f"see https://{draw(_HOST)}/x?a=b&{name}={piece}.", [piece]


@st.composite
def _text(draw: st.DrawFn, credential: str) -> Found:
    """Prose with secrets in it, and maybe the caller's own credential glued anywhere."""
    parts: list[str] = [draw(_FILLER)]
    pieces: list[str] = []
    for carried, found in draw(st.lists(_carrier(), max_size=3)):
        parts += [" ", carried, " ", draw(_FILLER)]
        pieces += found
    if draw(st.booleans()):  # glued to the prose around it, no word boundary
        form = draw(st.sampled_from([credential, quote(credential, safe="")]))
        at = draw(st.sampled_from(range(0, len(parts), 4)))
        cut = draw(st.integers(0, len(parts[at])))
        parts[at] = parts[at][:cut] + form + parts[at][cut:]
    return "".join(parts), pieces


@st.composite
def _json(draw: st.DrawFn, credential: str, depth: int = 0) -> Found:
    """A JSON value with secrets at random places: in prose, in fields named secret."""
    kind = draw(
        st.sampled_from(["text", "number", "field", "object", "array"][: 2 if depth > 3 else 5])
    )
    if kind == "text":
        return draw(_text(credential))
    if kind == "number":
        return draw(st.integers(-5, 5)), []
    if kind == "field":  # a field named secret: everything in it goes
        piece = draw(_piece())
        value = draw(st.sampled_from([piece, [piece], {"a": {"b": piece}}, [{"c": piece}]]))
        return {draw(_cased(_SECRET_NAMES)): value}, [piece]
    children = draw(st.lists(_json(credential, depth + 1), max_size=3))
    pieces = [p for _, found in children for p in found]
    if kind == "array":
        return [value for value, _ in children], pieces
    keys = draw(
        st.lists(
            st.sampled_from([*_SAFE_KEYS, credential]),
            min_size=len(children),
            max_size=len(children),
        )
    )
    return dict(zip(keys, (value for value, _ in children), strict=True)), pieces


@st.composite
def _exchange(draw: st.DrawFn) -> tuple[httpx.Response, str, list[str]]:
    """A request (its path, query and body) and an answer full of secrets."""
    joined, credential_pieces = draw(_joined("._-~+/="))
    credential = draw(st.sampled_from(["", "sk_", "sk_live_"])) + joined
    pieces = list(credential_pieces)
    op = draw(st.sampled_from(api.operations()))
    path = op.url(**{p.keyword: "66ea4dd87db10c73fa29b570" for p in op.params if p.where == "path"})
    if draw(st.booleans()):
        piece = draw(_piece())
        path += f";jsessionid={piece}"
        pieces.append(piece)
    query: list[tuple[str, str]] = []
    for _ in range(draw(st.integers(0, 3))):
        if draw(st.booleans()):
            piece = draw(_piece())
            query.append((draw(_cased(_SIGNING)), piece))
            pieces.append(piece)
        else:
            text, found = draw(_text(credential))
            query.append((draw(st.sampled_from(_SAFE_KEYS)), text))
            pieces += found
    body, found = draw(_json(credential)) if op.has_body else (None, [])
    pieces += found
    request = httpx.Request(
        op.method,
        httpx.URL(A2E_URL + path, params=query),
        json=body,
        headers={"Authorization": f"Bearer {credential}", "Cookie": f"sid={draw(_piece())}"},
    )
    answer, found = draw(_json(credential))
    pieces += found
    status = draw(st.sampled_from([200, 400, 401, 500]))
    if draw(st.booleans()):
        response = httpx.Response(status, json=answer, request=request)
    else:
        text, more = draw(_text(credential))
        found += more
        response = httpx.Response(status, text=text, request=request)
    # Secrets that overlap (one inside another) are not a case: distinct secrets only.
    assume(not any(a in b for a, b in itertools.permutations(pieces, 2)))
    return response, credential, pieces


def _leaks(path: Path, credential: str, pieces: list[str]) -> list[str]:
    data = path.read_bytes()
    forms = {credential, quote(credential, safe="")}
    return [s for s in (*pieces, *forms) if s and s.encode() in data]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(exchange=_exchange(), key_given=st.booleans())
def test_no_secret_survives_in_the_saved_file(
    exchange: tuple[httpx.Response, str, list[str]], key_given: bool
) -> None:
    response, credential, pieces = exchange
    request = response.request
    with tempfile.TemporaryDirectory() as folder:
        saved = record(
            response,
            origin=A2E_URL,
            api_key=credential if key_given else "",  # the proxy gives none: the header has it
            description=f"{request.method} {request.url.raw_path.decode()}, recorded by a test",
            folder=Path(folder),
            spec=load_spec(),
        )
        assert _leaks(saved, credential, pieces) == [], saved.read_text()


def _saved(
    tmp_path: Path, answer: Any, *, path: str = "", api_key: str = "", auth: str = ""
) -> str:
    """The file `record` writes for an exchange that answered `answer` (JSON, or text)."""
    url = A2E_URL + (path or api.op("account.remaining_coins").path)
    headers = {"Authorization": auth or f"Bearer {api_key or 'sk_test_caller_key_1234'}"}
    request = httpx.Request("GET", url, headers=headers)
    if isinstance(answer, str):
        response = httpx.Response(200, text=answer, request=request)
    else:
        response = httpx.Response(200, json=answer, request=request)
    saved = record(
        response,
        origin=A2E_URL,
        api_key=api_key,
        description=f"GET {request.url.path}",
        folder=tmp_path,
        spec=load_spec(),
    )
    return saved.read_text(encoding="utf-8")


# Each case the issue names: an answer, and what of it must not reach the file.
NAMED: dict[str, tuple[Any, tuple[str, ...]]] = {
    "a password in a URL's user info": (
        {"code": 0, "data": {"url": "https://alice:HUNTER2X9@cdn.example.com/a.wav"}},
        ("HUNTER2X9",),
    ),
    "X-Goog-Signature and X-Goog-Credential in a URL": (
        {
            "code": 0,
            "data": {
                "url": "https://storage.googleapis.com/b/o.wav?X-Goog-Algorithm=GOOG4-RSA-SHA256"
                "&X-Goog-Credential=SVC7X%2F20240101%2Fauto&X-Goog-Expires=600"
                "&X-Goog-Signature=9F8E7D6C5B4A"
            },
        },
        ("SVC7X", "9F8E7D6C5B4A"),
    ),
    "X-Amz-Signature inside text": (
        {
            "code": 1,
            "msg": "the storage refused https://s3.amazonaws.com/b/k.wav?X-Amz-Credential="
            "AKIA7Q%2F20240101&X-Amz-Security-Token=TOK3N9ZZ&X-Amz-Signature=ABC123DEF (expired)",
        },
        ("AKIA7Q", "TOK3N9ZZ", "ABC123DEF"),
    ),
    "an sk_ token with a dot in it": (
        {"code": 1, "msg": "key sk_live_AB12CD.EF34GH-IJ_56KL. is not valid"},
        ("AB12CD", "EF34GH", "IJ_56KL"),
    ),
    "a password inside a JSON string": (
        {"code": 1, "msg": json.dumps({"request": {"password": "HUNTER2X9", "user": "a"}})},
        ("HUNTER2X9",),
    ),
    "a password in JSON inside prose": (
        'upstream said {"password": "HUNTER2X9"} and "passwd": "PASSWD5Y"',
        ("HUNTER2X9", "PASSWD5Y"),
    ),
    "password=... inside text": (
        {"code": 1, "msg": "login failed for password=HUNTER2X9; try again"},
        ("HUNTER2X9",),
    ),
    "fields named pwd and passphrase": (
        {"code": 0, "data": {"pwd": "PWD7Q1", "nested": [{"Passphrase": "OPEN5ESAME"}]}},
        ("PWD7Q1", "OPEN5ESAME"),
    ),
    ";jsessionid= in a URL's path": (
        {"code": 0, "data": {"url": "https://cdn.example.com/a.wav;jsessionid=J5E55ION1D?x=1"}},
        ("J5E55ION1D",),
    ),
    "Bearer <anything>": (
        {"code": 1, "msg": "Authorization: Bearer q.w-e~r+t/y= was refused"},
        ("q.w-e~r+t/y",),
    ),
}


@pytest.mark.parametrize(("answer", "secrets"), NAMED.values(), ids=NAMED)
def test_each_case_the_issue_names_is_scrubbed(
    tmp_path: Path, answer: Any, secrets: tuple[str, ...]
) -> None:
    text = _saved(tmp_path, answer)
    assert [s for s in secrets if s in text] == []
    assert "REDACTED" in text


def test_a_session_id_in_the_request_path_is_scrubbed(tmp_path: Path) -> None:
    path = api.op("account.remaining_coins").path + ";jsessionid=J5E55ION1D"
    text = _saved(tmp_path, {"code": 0, "data": {"coins": 1}}, path=path)
    assert "J5E55ION1D" not in text
    assert json.loads(text)["request"]["path"].endswith(";jsessionid=REDACTED")


def test_the_callers_own_credential_is_scrubbed_wherever_it_appears(tmp_path: Path) -> None:
    key = "k3y/With+odd=chars.8"  # not shaped like any known credential
    encoded = quote(key, safe="")
    answer = {
        "code": 0,
        "data": {
            "echo": f"you sent{key}as a key",  # no word boundary around it
            "url": f"https://cdn.example.com/a.wav?k={encoded}",
            key: "as a field's name",
        },
    }
    text = _saved(tmp_path, answer, path=f"/api/v1/user/{encoded}", api_key=key)
    assert key not in text
    assert encoded not in text
    assert "k3y" not in text
    # Given only in the Authorization header (as through the proxy): the same.
    text = _saved(tmp_path, answer, auth=f"Bearer {key}")
    assert "k3y" not in text


def test_basic_credentials_are_scrubbed_decoded_too(tmp_path: Path) -> None:
    basic = base64.b64encode(b"alice:HUNTER2X9").decode()
    answer = {"code": 1, "msg": f"bad password HUNTER2X9 for {basic}"}
    text = _saved(tmp_path, answer, auth=f"Basic {basic}")
    assert "HUNTER2X9" not in text
    assert basic not in text


def test_a_credential_too_short_to_scrub_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="too short to scrub"):
        _saved(tmp_path, {"code": 0}, auth="Bearer abc")
    assert list(tmp_path.iterdir()) == []


def test_a_recording_that_still_holds_the_callers_credential_is_not_saved(
    spec: Spec, tmp_path: Path
) -> None:
    scrubber = Scrubber("k3y/With+odd=chars.8")
    request = httpx.Request("GET", A2E_URL + api.op("account.remaining_coins").path)
    response = httpx.Response(200, json={"code": 0, "data": {"coins": 1}}, request=request)
    recording = to_recording(request, response, origin=A2E_URL, scrubber=scrubber, description="x")
    recording["response"]["body"]["data"]["note"] = "k3y%2FWith%2Bodd%3Dchars.8"  # missed
    with pytest.raises(ValueError, match="still contains the caller's credential"):
        save(recording, tmp_path, spec, stem="leak", scrubber=scrubber)
    assert list(tmp_path.iterdir()) == []
