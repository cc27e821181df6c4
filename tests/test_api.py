"""REST for entries and health, through the real app with its lifespan."""

from __future__ import annotations

from fastapi.testclient import TestClient

SEED = "agent-holds-lock-too-long"


def test_the_seed_entry_is_served_whole(client: TestClient) -> None:
    response = client.get(f"/api/entries/{SEED}")
    assert response.status_code == 200
    entry = response.json()
    assert entry["id"] == SEED
    assert len(entry["symptoms"]) >= 7
    assert len([f for f in entry["fixes"] if f["snippets"]]) == 6
    assert entry["root_cause"].startswith("Locks are held too broadly")
    assert entry["tables"][0]["title"] == "Locking Strategy Comparison"
    first_snippet = entry["fixes"][0]["snippets"][0]
    assert "async def process_item_wrong" in first_snippet["code"]
    assert first_snippet["verification"]["status"] in {"unverified", "passed", "failed"}


def test_an_unknown_entry_gets_404_with_a_message(client: TestClient) -> None:
    response = client.get("/api/entries/no-such-entry")
    assert response.status_code == 404
    assert "no-such-entry" in response.json()["detail"]


def test_the_entry_list_pages_with_a_total(client: TestClient) -> None:
    everything = client.get("/api/entries", params={"limit": 200}).json()
    assert everything["total"] == len(everything["items"]) >= 1
    ids = [item["id"] for item in everything["items"]]
    assert ids == sorted(ids)
    page = client.get("/api/entries", params={"limit": 1, "offset": 0}).json()
    assert page["total"] == everything["total"]
    assert [item["id"] for item in page["items"]] == ids[:1]


def test_bad_paging_gets_422_not_500(client: TestClient) -> None:
    assert client.get("/api/entries", params={"limit": 0}).status_code == 422
    assert client.get("/api/entries", params={"offset": -1}).status_code == 422
    assert client.get("/api/entries", params={"limit": "many"}).status_code == 422


def test_health_reports_the_database_and_revision(client: TestClient) -> None:
    body = client.get("/api/health").json()
    assert body["status"] == "ok"
    assert body["database"] == "ok"
    assert body["index_revision"] >= 2
    assert "available" in body["verification"]


def test_openapi_docs_are_served(client: TestClient) -> None:
    assert client.get("/docs").status_code == 200
    spec = client.get("/openapi.json").json()
    assert "/api/entries/{entry_id}" in spec["paths"]
