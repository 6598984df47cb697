"""Set-up for the task-browser tests: a project whose tasks are spread over batches, states,
annotators, gold and flags, built through the SDK as real users would leave it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from accord.client import Client
from e2e.labeling import PASSWORD, Labeling, token_by_login


def box(rid: str, cls: str, x: float) -> dict[str, Any]:
    return {"id": rid, "label": "objects", "type": "bbox",
            "value": {"class": cls, "x": x, "y": 40, "width": 80, "height": 60}}


@dataclass
class Browsing:
    labeling: Labeling
    manager_email: str
    annotators: dict[str, int] = field(default_factory=dict)  # email -> user id

    @property
    def project_id(self) -> int:
        return self.labeling.project_id

    def api_ids(self, **filters: Any) -> list[int]:
        """The task ids the API lists for `filters`, in its order: what the page must show."""
        return [t["id"] for t in self.labeling.manager.list_tasks(self.project_id, **filters)]


def make_browsing(labeling_factory: Any) -> Browsing:
    """Six tasks, the last three in batch "late" and the last one gold; overlap 2; two
    annotators answer two tasks, agreeing on one; a third task is flagged; a manager who
    logs in."""
    project = labeling_factory(name="Browsed scenes", tasks=6)
    manager = project.manager
    pid = project.project_id
    for task_id in project.task_ids[3:]:
        manager.update_task(pid, task_id, batch="late")
    manager.update_task(pid, project.task_ids[5], gold=[box("g", "car", 100)])
    manager.set_workflow(pid, overlap=2, consensus_threshold=0.9)
    manager_email = project.annotator.replace("ann-", "lead-")
    manager.create_user(manager_email, password=PASSWORD)
    manager.add_member(pid, manager_email, "manager")
    second = project.annotator.replace("ann-", "ann2-")
    manager.create_user(second, password=PASSWORD)
    manager.add_member(pid, second, "annotator")
    members = {m["email"]: m["user_id"] for m in manager.list_members(pid)}
    browsing = Browsing(project, manager_email,
                        {project.annotator: members[project.annotator], second: members[second]})
    first_client = project.annotator_client
    with Client(project.url, token=token_by_login(project.url, second)) as second_client:
        # both answer the first two tasks: the first alike, the second not
        for n, (mine, theirs) in enumerate([("car", "car"), ("car", "person")]):
            task = first_client.next_task(pid)["task"]
            assert second_client.next_task(pid)["task"]["id"] == task["id"]
            first_client.submit_annotation(pid, task["id"], [box(f"a{n}", mine, 100)])
            second_client.submit_annotation(pid, task["id"], [box(f"b{n}", theirs, 102)])
    flagged = first_client.next_task(pid)["task"]
    first_client.flag_task(pid, flagged["id"], "Is a bicycle a car here?")
    return browsing
