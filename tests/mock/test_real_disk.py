"""The mock on a real full disk and a real read-only file system: a small tmpfs, filled to
its last byte, then remounted read-only.

Mounting needs root with CAP_SYS_ADMIN (a privileged container, or `sudo`); where it is not
allowed these tests are skipped, and `test_full_disk.py` and `test_read_only.py` check the
same behaviour on simulated disks.
"""

from __future__ import annotations

import errno
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from a2e_dubbing_mock import MockApp, create_app
from a2e_dubbing_mock._cli import main
from a2e_dubbing_mock._disk import RETRY_AFTER_SECONDS

from contract_tests._api import call
from tests.mock.conftest import AUTH, ID, SEED_BODY, START, STATUS, delete_task, get_task
from tests.upload._spec import NAMES, PRESIGN, presign_body

pytestmark = pytest.mark.anyio
BASE = "http://mock.test"


class Mount:
    """A 2 MiB tmpfs at `path`."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def fill(self) -> None:
        """Take every byte left, in a file of its own."""
        descriptor = os.open(self.path / "filler", os.O_WRONLY | os.O_CREAT | os.O_APPEND)
        try:
            for size in (65536, 4096, 512, 1):
                while True:
                    try:
                        os.write(descriptor, b"\0" * size)
                    except OSError as error:
                        if error.errno != errno.ENOSPC:
                            raise
                        break
        finally:
            os.close(descriptor)

    def free(self) -> None:
        (self.path / "filler").unlink()

    def read_only(self) -> None:
        _mount("-o", "remount,ro", "tmpfs", str(self.path))


def _mount(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["mount", *args], capture_output=True, text=True, check=False)


@pytest.fixture
def disk(tmp_path: Path) -> Iterator[Mount]:
    where = tmp_path / "disk"
    where.mkdir()
    if shutil.which("mount") is None or os.name != "posix" or os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root (and the mount command)")
    mounted = _mount("-t", "tmpfs", "-o", "size=2m", "tmpfs", str(where))
    if mounted.returncode != 0:
        pytest.skip(f"mounting a tmpfs is not allowed here: {mounted.stderr.strip()}")
    try:
        yield Mount(where)
    finally:
        unmounted = subprocess.run(["umount", str(where)], capture_output=True, text=True)
        if unmounted.returncode != 0:
            subprocess.run(["umount", "-l", str(where)], check=False)  # detached when free
            pytest.fail(f"the tmpfs stayed busy, a file left open: {unmounted.stderr.strip()}")


def _client(app: MockApp) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE)


async def _names(http: httpx.AsyncClient) -> set[str]:
    page = await http.request(**call("dubbing.list", page_size=100), headers=AUTH)
    assert page.status_code == 200, page.text
    return {row["name"] for row in page.json()["data"]["rows"]}


def _refused_or_done(answer: httpx.Response) -> bool:
    """True for 200; False for a full disk's 503 (with Retry-After); nothing else."""
    if answer.status_code == 200:
        return True
    assert answer.status_code == 503, answer.text
    assert answer.headers["retry-after"] == str(RETRY_AFTER_SECONDS)
    assert "disk is full" in answer.json()["msg"]
    return False


async def test_a_full_disk_refuses_writes_keeps_reads_restarts_and_recovers(disk: Mount) -> None:
    db = disk.path / "mock.sqlite3"
    app = create_app(db=db, processing_seconds=None)
    stored: set[str] = set()
    try:
        async with _client(app) as http:
            for number in range(5):
                answer = await http.post(
                    START, json={**SEED_BODY, "name": f"a{number}"}, headers=AUTH
                )
                assert answer.status_code == 200
                stored.add(f"a{number}")
            first = (await get_task(http, answer.json()["data"][ID])).json()["data"]
            presigned = await http.request(
                PRESIGN.method.upper(), PRESIGN.path, json=presign_body(), headers=AUTH
            )
            put_url = presigned.json()["data"][NAMES["put"]]
            disk.fill()
            for number in range(40):
                name = f"b{number}"
                answer = await http.post(START, json={**SEED_BODY, "name": name}, headers=AUTH)
                if _refused_or_done(answer):
                    stored.add(name)
            deleted = _refused_or_done(await delete_task(http, first[ID]))
            if deleted:
                stored.discard(first["name"])
            else:
                assert (await get_task(http, first[ID])).json()["data"] == first
            assert not _refused_or_done(await http.put(put_url, content=b"x" * 65536))
            assert await _names(http) == stored  # reads answer on the full disk
    finally:
        app.close()
    again = create_app(db=db, processing_seconds=None)  # a restart on the full disk
    try:
        async with _client(again) as http:
            assert await _names(http) == stored
            disk.free()  # space is back: the next writes succeed, no restart
            answer = await http.post(START, json={**SEED_BODY, "name": "after"}, headers=AUTH)
            assert answer.status_code == 200, answer.text
            stored.add("after")
            assert (await http.put(put_url, content=b"x" * 65536)).status_code == 200
    finally:
        again.close()
    last = create_app(db=db, processing_seconds=None)
    try:
        async with _client(last) as http:
            assert await _names(http) == stored
    finally:
        last.close()


async def test_a_read_only_file_system(disk: Mount, capsys: pytest.CaptureFixture[str]) -> None:
    db = disk.path / "mock.sqlite3"
    app = create_app(db=db, processing_seconds=None)
    async with _client(app) as http:
        task = (await http.post(START, json=SEED_BODY, headers=AUTH)).json()["data"]
    app.close()
    disk.read_only()
    with pytest.raises(ValueError, match="read-only file system: serve it with --read-only"):
        create_app(db=db)
    assert main(["serve", "--db", str(db), "--port", "0"]) == 2
    assert "is on a read-only file system" in capsys.readouterr().err
    served = create_app(db=db, read_only=True, processing_seconds=None)
    try:
        async with _client(served) as http:
            got = (await get_task(http, task[ID])).json()["data"]
            assert got[STATUS] == task[STATUS]
            refused = await http.post(START, json=SEED_BODY, headers=AUTH)
            assert refused.status_code == 503
            assert "read-only" in refused.json()["msg"]
    finally:
        served.close()


def test_a_restart_after_a_clean_shutdown_on_a_full_disk_is_one_line(
    disk: Mount, capsys: pytest.CaptureFixture[str]
) -> None:
    """SQLite's limit, not the mock's writes: a clean shutdown removes the -wal and -shm
    files, and opening the database again must make a 32 KiB -shm file, which a disk
    without a free byte refuses. One line and exit 2, with the bytes free."""
    db = disk.path / "mock.sqlite3"
    create_app(db=db).close()
    assert not Path(f"{db}-shm").exists()
    disk.fill()
    assert main(["serve", "--db", str(db), "--port", "0"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert f"cannot open {db}: the disk" in err
    assert "bytes free there" in err


def test_a_crashed_database_on_a_read_only_file_system_is_one_clear_error(disk: Mount) -> None:
    """Writes still in its -wal file, and no -shm file (SQLite cannot make one on a
    read-only file system): serving the main file alone would lose them, so the mock says
    so."""
    db = disk.path / "mock.sqlite3"
    create_app(db=db).close()
    writer = sqlite3.connect(db, isolation_level=None)
    writer.execute("PRAGMA wal_autocheckpoint = 0")
    writer.execute("INSERT INTO meta (key, value) VALUES ('crash', 'pending')")
    copy = disk.path / "copy.sqlite3"
    shutil.copyfile(db, copy)
    shutil.copyfile(f"{db}-wal", f"{copy}-wal")
    writer.close()
    disk.read_only()
    with pytest.raises(ValueError, match="its -wal file holds writes not yet in the database"):
        create_app(db=copy, read_only=True)
