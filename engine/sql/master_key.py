"""The master key: it wraps every data key, and it never lives in the database.

A copied database file holds only wrapped data keys, so on its own it reveals nothing.
The master key comes from, in this order:

1. ``RITUAL_MASTER_KEY``: 32 random bytes in base64, for servers (a secret store or the
   service manager puts it in the environment);
2. the system keyring (macOS Keychain, Windows Credential Locker, the Secret Service on
   Linux) through the optional ``keyring`` package, when it is installed and a real
   backend answers;
3. a key file, ``master.key`` in the user's config folder (platformdirs
   ``user_config_dir("ritual-engine")``), created 0600 in a folder created 0700.
   ``RITUAL_MASTER_KEY_FILE`` names another file, and then the keyring is not asked.

A new master key is made only where none is found; the key store
(``engine.sql.keyring.SqlKeyring``) makes one only for a database without keys, so
a missing or wrong master key is an error and never a fresh key that orphans the data.
"""

from __future__ import annotations

import base64
import binascii
import importlib
import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from engine.errors import KeysUnavailable
from engine.frozen import frozen

ENV_MASTER_KEY = "RITUAL_MASTER_KEY"
ENV_MASTER_KEY_FILE = "RITUAL_MASTER_KEY_FILE"
KEYRING_SERVICE = "ritual-engine"
KEYRING_USERNAME = "master-key"
MASTER_KEY_BYTES = 32  # AES-256-GCM
KEY_FILE_NAME = "master.key"


def default_key_file() -> Path:
    """``master.key`` in the platform's user config folder."""
    from platformdirs import user_config_dir

    return Path(user_config_dir("ritual-engine", appauthor=False)) / KEY_FILE_NAME


def new_master_key() -> bytes:
    return secrets.token_bytes(MASTER_KEY_BYTES)


def decode_master_key(text: str, where: str) -> bytes:
    """Base64 text to a 32-byte key; KeysUnavailable when it is anything else."""
    try:
        key = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        key = b""
    if len(key) != MASTER_KEY_BYTES:
        raise KeysUnavailable(
            f"the master key in {where} is not 32 bytes of base64; "
            'make one with: python -c "import secrets, base64; '
            'print(base64.b64encode(secrets.token_bytes(32)).decode())"'
        )
    return key


def encode_master_key(key: bytes) -> str:
    return base64.b64encode(key).decode("ascii")


def _system_keyring() -> Any | None:
    """The ``keyring`` module when it is installed and has a real backend, else None."""
    try:  # imported by name: an optional extra, without type stubs
        ring = importlib.import_module("keyring")
        backend = ring.get_keyring()
    except ImportError:
        return None
    except Exception:  # a broken keyring configuration: fall back to the key file
        return None
    if type(backend).__module__ in ("keyring.backends.fail", "keyring.backends.null"):
        return None  # no real keyring on this machine: the key file it is
    return ring


@frozen
class MasterKeySource:
    """Where this process finds its master key (see the module docstring)."""

    env_key: str | None  # the base64 text of RITUAL_MASTER_KEY, when set
    key_file: Path
    use_keyring: bool  # False when RITUAL_MASTER_KEY_FILE names the file

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> MasterKeySource:
        env = os.environ if environ is None else environ
        named = env.get(ENV_MASTER_KEY_FILE, "").strip()
        return cls(
            env_key=env.get(ENV_MASTER_KEY) or None,
            key_file=Path(named).expanduser() if named else default_key_file(),
            use_keyring=not named,
        )

    def describe(self) -> str:
        """Where the key is looked for, for messages (never the key itself)."""
        if self.env_key is not None:
            return ENV_MASTER_KEY
        if self.use_keyring and _system_keyring() is not None:
            return f"the system keyring (or {self.key_file})"
        return str(self.key_file)

    def load(self) -> bytes | None:
        """The master key, or None when there is none yet."""
        if self.env_key is not None:
            return decode_master_key(self.env_key, ENV_MASTER_KEY)
        ring = _system_keyring() if self.use_keyring else None
        if ring is not None:
            try:
                stored = ring.get_password(KEYRING_SERVICE, KEYRING_USERNAME)
            except Exception:  # a locked or unreachable keyring: the key file may have it
                stored = None
            if stored:
                return decode_master_key(stored, "the system keyring")
        try:
            text = self.key_file.read_text(encoding="ascii")
        except FileNotFoundError:
            return None
        except (OSError, UnicodeDecodeError):
            raise KeysUnavailable(
                f"cannot read the master key file {self.key_file}; check that it is yours"
            ) from None
        return decode_master_key(text, str(self.key_file))

    def create(self) -> bytes:
        """Make and keep a new master key (the keyring where there is one, else the key
        file); when another process made one first, that one is returned."""
        if self.env_key is not None:
            return decode_master_key(self.env_key, ENV_MASTER_KEY)
        key = new_master_key()
        ring = _system_keyring() if self.use_keyring else None
        if ring is not None:
            try:
                ring.set_password(KEYRING_SERVICE, KEYRING_USERNAME, encode_master_key(key))
                return key
            except Exception:  # a read-only or locked keyring: keep it in the file instead
                pass
        return self._create_file(key)

    def _create_file(self, key: bytes) -> bytes:
        folder = self.key_file.parent
        try:
            if not folder.exists():
                folder.mkdir(mode=0o700, parents=True)
            fd = os.open(self.key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process was first: use its key
            found = self.load()
            if found is None:
                raise KeysUnavailable(f"cannot read the master key file {self.key_file}") from None
            return found
        except OSError:
            raise KeysUnavailable(
                f"cannot create the master key file {self.key_file}; "
                f"set {ENV_MASTER_KEY} or {ENV_MASTER_KEY_FILE}"
            ) from None
        with os.fdopen(fd, "w", encoding="ascii") as out:
            out.write(encode_master_key(key) + "\n")
            out.flush()
            os.fsync(out.fileno())
        return key
