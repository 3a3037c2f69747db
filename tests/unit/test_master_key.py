"""Where the master key comes from: the environment, the system keyring, or a key file.

The keyring here is a stand-in module put where ``import keyring`` finds it, so no test
ever touches the real keyring of the machine it runs on.
"""

from __future__ import annotations

import base64
import sys
import types
from pathlib import Path

import pytest

from engine import KeysUnavailable
from engine.events.sealing import unwrap_key, wrap_key
from engine.sql.master_key import (
    ENV_MASTER_KEY,
    ENV_MASTER_KEY_FILE,
    KEYRING_SERVICE,
    MasterKeySource,
    new_master_key,
)


class FakeBackend:
    pass


@pytest.fixture
def system_keyring(monkeypatch: pytest.MonkeyPatch) -> dict[tuple[str, str], str]:
    stored: dict[tuple[str, str], str] = {}
    module = types.ModuleType("keyring")
    module.get_keyring = FakeBackend  # type: ignore[attr-defined]
    module.get_password = lambda service, user: stored.get((service, user))  # type: ignore[attr-defined]
    module.set_password = lambda service, user, value: stored.__setitem__((service, user), value)  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "keyring", module)
    return stored


def test_the_environment_key_wins_and_is_never_written_anywhere(tmp_path: Path) -> None:
    key = new_master_key()
    source = MasterKeySource.from_env(
        {ENV_MASTER_KEY: base64.b64encode(key).decode(), ENV_MASTER_KEY_FILE: str(tmp_path / "k")}
    )
    assert source.load() == key == source.create()
    assert not (tmp_path / "k").exists()
    assert source.describe() == ENV_MASTER_KEY


def test_a_malformed_environment_key_is_refused_without_echoing_it() -> None:
    source = MasterKeySource.from_env({ENV_MASTER_KEY: "c2VjcmV0"})
    with pytest.raises(KeysUnavailable, match="not 32 bytes of base64") as refused:
        source.load()
    assert "c2VjcmV0" not in str(refused.value)


def test_with_a_system_keyring_the_key_lives_there_and_no_file_is_made(
    system_keyring: dict[tuple[str, str], str], tmp_path: Path
) -> None:
    source = MasterKeySource(env_key=None, key_file=tmp_path / "master.key", use_keyring=True)
    assert source.load() is None
    key = source.create()
    assert [service for service, _ in system_keyring] == [KEYRING_SERVICE]
    assert source.load() == key
    assert not source.key_file.exists()


def test_a_named_key_file_means_the_keyring_is_not_asked(
    system_keyring: dict[tuple[str, str], str], tmp_path: Path
) -> None:
    source = MasterKeySource.from_env({ENV_MASTER_KEY_FILE: str(tmp_path / "a" / "master.key")})
    key = source.create()
    assert system_keyring == {} and source.load() == key
    assert source.create() == key  # a second creation finds the first key, never replaces it


def test_a_wrapped_key_opens_only_with_its_master_key_and_in_its_own_row() -> None:
    master, data = new_master_key(), b"k" * 64
    wrapped = wrap_key(master, "couple", "partner", data)
    assert data not in wrapped
    assert unwrap_key(master, "couple", "partner", wrapped) == data
    assert unwrap_key(new_master_key(), "couple", "partner", wrapped) is None
    assert unwrap_key(master, "couple", "", wrapped) is None  # moved to another row
    assert unwrap_key(master, "other", "partner", wrapped) is None
