"""Read settings from environment variables with safe defaults."""

import ipaddress
import os
import re
import secrets
from pathlib import Path
from urllib.parse import unquote, urlparse


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_matching(pattern: str) -> dict[str, str]:
    """Every non-empty variable whose whole name matches ``pattern`` (a regular expression): for
    settings named per gemeente, such as MELDPUNT_PSEUDONYM_KEY_GM0880."""
    return {name: value for name, value in os.environ.items() if value and re.fullmatch(pattern, name)}


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "ja", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def env_networks(name: str) -> list[str]:
    """Comma-separated addresses or small CIDR ranges of the proxies themselves (e.g. ``10.0.0.1,
    2001:db8:0:1::5``), never a range that also holds clients; a wrong one stops the start-up with
    its name, rather than silently trusting nothing (or too much). Ranges wider than a /24 or a /64
    get a warning at start-up (meldpunt.W001)."""
    networks = []
    for item in env_list(name, []):
        try:
            networks.append(str(ipaddress.ip_network(item, strict=False)))
        except ValueError:
            raise ValueError(f"{name}: {item!r} is geen IP-adres of CIDR-bereik (bv. 10.0.0.1).") from None
    return networks


def database_from_url(url: str, base_dir: Path) -> dict:
    """Turn ``sqlite:///path`` or ``postgres://user:pw@host:port/name`` into a Django DB dict."""
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        path = unquote(parsed.path)
        if url.startswith("sqlite:///") and not url.startswith("sqlite:////"):
            path = str(base_dir / path.lstrip("/"))
        else:
            path = "/" + path.lstrip("/")  # sqlite:////abs gives the path //abs
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": path,
            # Persistent connections: the PRAGMAs below then run once per connection. secure_delete:
            # deleted content is overwritten, not left in free space of the file (P4, ADR 0018).
            "CONN_MAX_AGE": 60,
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                    "PRAGMA busy_timeout=5000; PRAGMA foreign_keys=ON; PRAGMA secure_delete=ON;"
                ),
            },
        }
    if parsed.scheme in {"postgres", "postgresql"}:
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parsed.path.lstrip("/")) or "meldpunt",
            "USER": unquote(parsed.username or ""),
            "PASSWORD": unquote(parsed.password or ""),
            "HOST": parsed.hostname or "",
            "PORT": str(parsed.port or ""),
            "CONN_MAX_AGE": 60,
        }
    raise ValueError(f"MELDPUNT_DATABASE_URL: onbekend schema {parsed.scheme!r}")


def secret_key_from_file(path: Path) -> str:
    """A per-installation key for the embedded default, created on first use."""
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    path.write_text(key)
    path.chmod(0o600)
    return key
