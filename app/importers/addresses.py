"""Which addresses a download may reach: public ones, and those an allowlist names."""

import ipaddress

# NAT64 addresses carry an IPv4 address in their last 32 bits.
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


class UrlRefused(Exception):
    """A URL that reaches inside the network (Rocket.Chat's SSRF check refuses it)."""

    code = "error-ssrf-validation-failed"


class Allowlist:
    """Host names and networks a download may reach although they are internal."""

    def __init__(self, entries: tuple[str, ...] | str = ()):
        self.hosts, self.networks = set(), []
        # A setting read as one string ("a.example, 10.0.0.0/8") is a list, not its letters.
        listed = entries.split(",") if isinstance(entries, str) else entries
        for entry in filter(None, (entry.strip().strip("[]").lower() for entry in listed)):
            try:
                self.networks.append(ipaddress.ip_network(entry, strict=False))
            except ValueError:
                self.hosts.add(entry.rstrip("."))

    def check(self, host: str, address: str) -> None:
        """Raise UrlRefused unless `host`, resolved to `address`, may be reached."""
        if host.lower().rstrip(".") in self.hosts:
            return
        ip = ipaddress.ip_address(address.split("%", 1)[0])
        kind = internal_kind(ip)
        if kind and not any(ip in network for network in self.networks):
            where = f"is {kind}" if host.strip("[]") == address else f"resolves to {ip}, {kind}"
            raise UrlRefused(f"the host {host} {where}: downloads reach only public addresses")


def internal_kind(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
    """Return what kind of internal address `ip` is, or None for a public one."""
    if ip.version == 6:
        embedded = ip.ipv4_mapped or ip.sixtofour
        if embedded is None and ip in _NAT64:
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is not None:
            return internal_kind(embedded)
    for kind, test in (
        ("a loopback address", ip.is_loopback),
        ("an unspecified address", ip.is_unspecified),
        ("a link-local address", ip.is_link_local),
        ("a multicast address", ip.is_multicast),
        ("a private address", ip.is_private),
        ("a reserved address", ip.is_reserved),
        ("an address that is not global", not ip.is_global),
    ):
        if test:
            return kind
    return None
