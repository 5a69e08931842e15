"""Several simulated devices create, edit, delete, retry, push and pull at random (Hypothesis).

Whatever the interleaving, a device that pulls to the end of /changes holds exactly the
server's goals and entries, and resending any answered write changes nothing on the server.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test

from app.auth import service as auth_service
from app.auth.models import TokenCreate, User
from app.core.database import Database
from app.core.principal import ALL_SCOPES
from app.core.sequence import ChangeCounter

API = "/api/v1"
DEVICES = 3
PATHS = {"goal": "goals", "entry": "entries"}

notes = st.text(alphabet="abc xyz", max_size=12)
goal_bodies = st.fixed_dictionaries(
    {"title": st.text(alphabet="abcdef ", min_size=1, max_size=10)},
    optional={"cadence": st.sampled_from(["daily", "weekly"]), "target": st.integers(1, 3)},
)
entry_bodies = st.fixed_dictionaries(
    {"note": notes},
    optional={"intensity": st.integers(1, 5), "tags": st.lists(st.sampled_from(["sea", "ann", "7"]), max_size=2)},
)


@dataclass
class Op:
    op_id: str
    method: str
    type: str
    id: str
    data: dict[str, Any] | None = None
    if_match: str | None = None

    def as_push(self) -> dict[str, Any]:
        return {
            "op_id": self.op_id,
            "method": self.method,
            "type": self.type,
            "id": self.id,
            "data": self.data,
            "if_match": self.if_match,
        }


@dataclass
class Answered:
    """A write the server answered with success, and what it answered."""

    op: Op
    status: int
    version: int | None


@dataclass
class Device:
    objects: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    cursor: str | None = None
    last_seq: int = 0
    outbox: list[Op] = field(default_factory=list)
    answered: list[Answered] = field(default_factory=list)


def fresh_account(database: Database) -> str:
    """A new account with an all-scopes token, made directly: hashing a password per example is too slow."""
    with database.write_transaction() as session:
        user = User(email=f"{uuid.uuid4().hex}@example.org", password_hash="!")
        session.add(user)
        session.flush()
        session.add(ChangeCounter(user_id=user.id))
        _, secret = auth_service.create_token(
            session, user_id=user.id, body=TokenCreate(name="device", scopes=list(ALL_SCOPES))
        )
    return secret


def run_machine(app: FastAPI, new_client: Callable[[], TestClient], max_examples: int) -> None:
    client = new_client()

    class SyncMachine(RuleBasedStateMachine):
        @initialize()
        def sign_up(self) -> None:
            client.headers["Authorization"] = f"Bearer {fresh_account(app.state.database)}"
            self.devices = [Device() for _ in range(DEVICES)]

        # --- the server, as the API shows it ---

        def server_state(self) -> dict[tuple[str, str], dict[str, Any]]:
            state = {("goal", goal["id"]): goal for goal in client.get(f"{API}/goals?status=all").json()["data"]}
            page = client.get(f"{API}/entries", params={"limit": 200}).json()
            assert page["next_cursor"] is None
            state.update({("entry", entry["id"]): entry for entry in page["data"]})
            return state

        def last_seq(self) -> int:
            cursor, last = None, 0
            while True:
                page = client.get(f"{API}/changes", params={"limit": 1000, **({"cursor": cursor} if cursor else {})})
                changes = page.json()["changes"]
                last = changes[-1]["seq"] if changes else last
                cursor = page.json()["next_cursor"]
                if not page.json()["has_more"]:
                    return last

        # --- local edits, queued in a device's outbox ---

        def known(self, device: Device, kind: str) -> list[str]:
            return sorted(object_id for (object_type, object_id) in device.objects if object_type == kind)

        @rule(number=st.integers(0, DEVICES - 1), kind=st.sampled_from(["goal", "entry"]), data=st.data())
        def create(self, number: int, kind: str, data: st.DataObject) -> None:
            device = self.devices[number]
            body = dict(data.draw(goal_bodies if kind == "goal" else entry_bodies))
            if kind == "entry":
                goals = self.known(device, "goal")
                body["goal_ids"] = data.draw(st.lists(st.sampled_from(goals), max_size=2, unique=True)) if goals else []
            device.outbox.append(Op(str(uuid.uuid4()), "PUT", kind, str(uuid.uuid4()), body))

        @rule(number=st.integers(0, DEVICES - 1), kind=st.sampled_from(["goal", "entry"]), data=st.data())
        def edit(self, number: int, kind: str, data: st.DataObject) -> None:
            device = self.devices[number]
            ids = self.known(device, kind)
            if not ids:
                return
            object_id = data.draw(st.sampled_from(ids))
            patches: st.SearchStrategy[dict[str, Any]] = (
                st.fixed_dictionaries({"title": st.text(alphabet="ghij", min_size=1, max_size=5)})
                if kind == "goal"
                else st.fixed_dictionaries(
                    {}, optional={"note": notes, "meaning": notes, "intensity": st.integers(1, 5)}
                )
            )
            patch = data.draw(patches)
            version = device.objects[(kind, object_id)]["version"]
            if_match = f'"{version}"' if data.draw(st.booleans()) else None
            device.outbox.append(Op(str(uuid.uuid4()), "PATCH", kind, object_id, dict(patch), if_match))

        @rule(number=st.integers(0, DEVICES - 1), kind=st.sampled_from(["goal", "entry"]), data=st.data())
        def delete(self, number: int, kind: str, data: st.DataObject) -> None:
            device = self.devices[number]
            ids = self.known(device, kind)
            if not ids:
                return
            object_id = data.draw(st.sampled_from(ids))
            version = device.objects[(kind, object_id)]["version"]
            if_match = f'"{version}"' if data.draw(st.booleans()) else None
            device.outbox.append(Op(str(uuid.uuid4()), "DELETE", kind, object_id, None, if_match))

        # --- sending: one op at a time, in a batch, or with the response lost ---

        def settle(self, device: Device, op: Op, status: int, body: Any, version: int | None) -> None:
            """What the outbox does with an answer: done, rebase and retry, or drop."""
            device.outbox.remove(op)
            if 200 <= status < 300:
                device.answered.append(Answered(op, status, version))
            elif status == 412 and isinstance(body, dict) and "current" in body:
                current = body["current"]
                device.objects[(op.type, op.id)] = current
                # Errors are not stored, so the rebased op keeps its key.
                device.outbox.insert(0, Op(op.op_id, op.method, op.type, op.id, op.data, f'"{current["version"]}"'))
            else:
                # Dropped: the object is gone (404, 410) or names a goal that is (422); a 412 always has `current`.
                assert status in (404, 410, 422), (status, body)

        def send_single(self, op: Op) -> tuple[int, Any, int | None]:
            headers = {"Idempotency-Key": op.op_id, **({"If-Match": op.if_match} if op.if_match else {})}
            response = client.request(op.method, f"{API}/{PATHS[op.type]}/{op.id}", json=op.data, headers=headers)
            body = response.json() if response.content else None
            error = body if response.status_code >= 400 else None
            version = body["version"] if isinstance(body, dict) and response.status_code < 300 else None
            return response.status_code, error, version

        @rule(number=st.integers(0, DEVICES - 1))
        def send_one(self, number: int) -> None:
            device = self.devices[number]
            if device.outbox:
                op = device.outbox[0]
                status, error, version = self.send_single(op)
                self.settle(device, op, status, error, version)

        @rule(number=st.integers(0, DEVICES - 1))
        def send_and_lose_the_response(self, number: int) -> None:
            """The request reaches the server but its answer never comes back: the op stays queued."""
            device = self.devices[number]
            if device.outbox:
                self.send_single(device.outbox[0])

        @rule(number=st.integers(0, DEVICES - 1))
        def push(self, number: int) -> None:
            device = self.devices[number]
            if not device.outbox:
                return
            ops = list(device.outbox)
            response = client.post(f"{API}/sync/push", json={"ops": [op.as_push() for op in ops]})
            assert response.status_code == 200, response.text
            results = response.json()["results"]
            assert [result["op_id"] for result in results] == [op.op_id for op in ops]
            rebased: list[Op] = []
            for op, result in zip(ops, results, strict=True):
                self.settle(device, op, result["status"], result.get("error"), result.get("version"))
                rebased.extend(queued for queued in device.outbox if queued.op_id == op.op_id)
            # Rebased ops go back in their original order.
            device.outbox = rebased + [queued for queued in device.outbox if queued not in rebased]

        @rule(number=st.integers(0, DEVICES - 1), data=st.data(), through_push=st.booleans())
        def resend_an_answered_write(self, number: int, data: st.DataObject, through_push: bool) -> None:
            device = self.devices[number]
            if not device.answered:
                return
            answered = data.draw(st.sampled_from(device.answered))
            before = self.last_seq()
            if through_push:
                result = client.post(f"{API}/sync/push", json={"ops": [answered.op.as_push()]}).json()["results"][0]
                assert result["status"] == answered.status
                assert result.get("version") == (answered.version if answered.op.method != "DELETE" else None)
            else:
                status, _, version = self.send_single(answered.op)
                assert status == answered.status
                assert version == (answered.version if answered.op.method != "DELETE" else None)
            assert self.last_seq() == before, "a replayed write changed the server"

        # --- pulling ---

        @rule(number=st.integers(0, DEVICES - 1), limit=st.sampled_from([1, 3, 100]))
        def pull(self, number: int, limit: int) -> None:
            device = self.devices[number]
            while True:
                params: dict[str, Any] = {"limit": limit, **({"cursor": device.cursor} if device.cursor else {})}
                response = client.get(f"{API}/changes", params=params)
                assert response.status_code == 200, response.text
                page = response.json()
                for change in page["changes"]:
                    assert change["seq"] > device.last_seq
                    device.last_seq = change["seq"]
                    key = (change["type"], change["id"])
                    if change["deleted"]:
                        device.objects.pop(key, None)
                    else:
                        device.objects[key] = change["data"]
                device.cursor = page["next_cursor"]
                if not page["has_more"]:
                    break
            assert device.objects == self.server_state()

        @invariant()
        def outboxes_stay_bounded(self) -> None:
            assert all(len(device.outbox) <= 200 for device in getattr(self, "devices", []))

    run_state_machine_as_test(
        SyncMachine,
        settings=settings(
            max_examples=max_examples,
            stateful_step_count=50,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )


def test_devices_that_pull_to_the_end_hold_the_server_state(app: FastAPI, new_client: Callable[[], TestClient]) -> None:
    run_machine(app, new_client, max_examples=15)
