"""One-time sign-in links (activation, password reset, any later one) are never stored.

A mail that carries such a link is written to the outbox with LINK_PLACEHOLDER where the
link goes and with what is needed to make the link (`link_kind` + `link_ref`, e.g. an
invitation id or a user id). The delivery worker asks the kind's minter for a fresh link
inside the delivery transaction and puts it only into the message handed to the mail
server; the row keeps the placeholder. So no list, search, inspect or export of the outbox,
and no copy of the table, ever holds a working link.

Minters are registered by the app that owns the secret (accounts registers "activation"
and "password_reset" in its AppConfig.ready), so this module does not depend on it.
"""

from collections.abc import Callable

# Shown in the stored (and displayed) body instead of the link. Part of the mail text,
# which is Dutch; it is a fixed string because delivery replaces it by the real link.
LINK_PLACEHOLDER = "[persoonlijke link: wordt pas bij verzending aangemaakt]"

# kind -> minter(ref) returning the working link, or None when it can no longer be made
# (the invitation was revoked or used, the login was deactivated): the mail is not sent.
_MINTERS: dict[str, Callable[[int], str | None]] = {}


def link_minter_register(kind: str, minter: Callable[[int], str | None]) -> None:
    _MINTERS[kind] = minter


def link_kinds() -> frozenset[str]:
    return frozenset(_MINTERS)


def link_mint(kind: str, ref: int) -> str | None:
    """A fresh working link of `kind` for `ref`; call inside the delivery transaction."""
    try:
        minter = _MINTERS[kind]
    except KeyError:
        raise LookupError(f"no link minter registered for {kind!r}") from None
    return minter(ref)
