"""A STARK_PERMISSION_CHECK for tests: allows everything except the URL names in DENIED."""

DENIED: set[str] = set()


def deny_listed(request, url_name: str) -> bool:
    return url_name not in DENIED


#: URL name -> data scope answered by ``scope_listed`` (default "all").
SCOPES: dict[str, str] = {}


def scope_listed(request, url_name: str) -> str:
    return SCOPES.get(url_name, "all")
