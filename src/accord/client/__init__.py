"""The Python SDK: a typed, synchronous client of the Accord REST API.

    from accord.client import Client
    with Client("http://127.0.0.1:8080", token="acc_…") as accord:
        project = accord.create_project("Street scenes", schema=schema)
        accord.create_tasks(project["id"], [{"data": {"image": "a.png"}}])
"""

from accord.client.client import Client
from accord.client.errors import ApiError

__all__ = ["ApiError", "Client"]
