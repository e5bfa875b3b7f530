"""Keys that encrypt stored secrets (SLACK_TOKEN_ENCRYPTION_KEY): Fernet, newest key first.

Kept apart from the Slack code so that settings validation can check a key without loading
any chat library.
"""

from cryptography.fernet import Fernet, MultiFernet

KEY_HINT = (
    'generate one with: python -c "from cryptography.fernet import Fernet; '
    'print(Fernet.generate_key().decode())"'
)


class InvalidKeys(ValueError):
    """SLACK_TOKEN_ENCRYPTION_KEY is not a list of Fernet keys."""


def split_keys(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


def parse_keys(value: str) -> MultiFernet:
    """Comma-separated Fernet keys, newest first: new tokens use the first, any key decrypts."""
    keys = split_keys(value)
    if not keys:
        msg = "empty"
        raise InvalidKeys(msg)
    try:
        return MultiFernet([Fernet(key) for key in keys])
    except ValueError:
        msg = "each key must be 32 url-safe base64-encoded bytes (Fernet.generate_key())"
        raise InvalidKeys(msg) from None
