"""Who the client is and whether it came over HTTPS, also behind a reverse proxy.

A request's peer is the proxy when one is in front; only proxies listed as trusted
(``WebSettings.trusted_proxies``: addresses or networks) may speak for the client through
``X-Forwarded-Proto`` and ``X-Forwarded-For``. From anyone else these headers are ignored,
since any client can send them. The app does this itself (the server runs without
uvicorn's own proxy handling) so that one setting decides, whatever serves the app.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass

from starlette.requests import Request

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(entries: Iterable[str]) -> tuple[Network, ...]:
    """``10.0.0.1``, ``10.0.0.0/8`` or ``::1``; anything else is an error naming the entry."""
    networks = []
    for entry in entries:
        text = entry.strip()
        if not text:
            continue
        try:
            networks.append(ipaddress.ip_network(text, strict=False))
        except ValueError:
            raise ValueError(f"trusted proxy {text!r} is not an IP address or network") from None
    return tuple(networks)


@dataclass(frozen=True)
class Origin:
    """The client's address and whether its connection to us (or to the proxy) was HTTPS."""

    address: str
    https: bool


def request_origin(request: Request, trusted: tuple[Network, ...]) -> Origin:
    peer = request.client.host if request.client else "unknown"
    https = request.url.scheme in {"https", "wss"}
    if not _is_trusted(peer, trusted):
        return Origin(peer, https)
    proto = request.headers.get("x-forwarded-proto", "")
    if proto:
        https = proto.split(",")[-1].strip().lower() == "https"
    hops = [h.strip() for h in request.headers.get("x-forwarded-for", "").split(",") if h.strip()]
    address = peer
    for hop in reversed(hops):  # the nearest hop not itself a trusted proxy is the client
        address = hop
        if not _is_trusted(hop, trusted):
            break
    return Origin(address, https)


def _is_trusted(address: str, trusted: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in trusted)
