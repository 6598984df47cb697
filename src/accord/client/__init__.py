"""The Python SDK: a typed, synchronous client of the Accord REST API.

    from accord.client import Client
    with Client("http://127.0.0.1:8080", token="acc_…") as accord:
        project = accord.create_project("Street scenes", schema=schema)
        accord.create_tasks(project["id"], [{"data": {"image": "a.png"}}])

`Client` (and with it httpx) is loaded on first use, so that code needing only `ApiError`,
such as every local CLI command, starts faster.
"""

from typing import TYPE_CHECKING, Any

from accord.client.errors import ApiError

if TYPE_CHECKING:
    from accord.client.client import Client

__all__ = ["ApiError", "Client"]


def __getattr__(name: str) -> Any:
    if name == "Client":
        from accord.client.client import Client

        return Client
    raise AttributeError(f"module 'accord.client' has no attribute {name!r}")
