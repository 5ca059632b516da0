"""The JSON API validates its parameters: out-of-range ids, pages, page sizes and years answer 400
with a Chinese JSON message (they used to reach the database and answer 500); 405 names Allow."""

import pytest

from tests.support.web import login


@pytest.mark.parametrize(
    ("url", "names"),
    [
        ("/api/v1/evaluations?year=0", "year"),
        ("/api/v1/organizations?community=922270000000000000000000", "community"),
        ("/api/v1/organizations?community=2147483648", "community"),
        ("/api/v1/organizations/95034799488054493184", "organization_id"),
        (
            "/api/v1/activities?community=784552557618767390048256&page_size=-860",
            "community, page_size",
        ),
        ("/api/v1/activities?page=0", "page"),
        ("/api/v1/communities?page_size=201", "page_size"),
        ("/api/v1/activities?organization=abc", "organization"),
    ],
)
def test_out_of_range_parameters_answer_400_with_a_message(client, url, names):
    login(client, "staff")
    response = client.get(url)
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/json")
    assert response.json() == {"message": f"参数无效：{names}", "status_code": 400}


def test_the_largest_id_and_a_far_page_are_fine(client):
    login(client, "staff")
    assert client.get("/api/v1/organizations/2147483647").status_code == 404
    body = client.get("/api/v1/organizations?community=92227&page=6069").json()
    assert body["items"] == [] and body["page"] == 6069


def test_an_unsupported_method_answers_405_with_allow(client):
    login(client, "staff")
    response = client.delete("/api/v1/organizations")
    assert response.status_code == 405
    assert "GET" in response.headers["allow"]
    assert response.json() == {"message": "不支持的请求方式", "status_code": 405}


def test_the_openapi_schema_lists_only_the_json_api(client):
    paths = client.get("/schema/openapi.json").json()["paths"]
    assert paths and all(p.startswith("/api/v1/") for p in paths)
    show = paths["/api/v1/organizations/{organization_id}"]["get"]
    assert {"200", "400", "401", "403", "404"} <= set(show["responses"])
    (parameter,) = show["parameters"]
    assert parameter["schema"]["maximum"] == 2**31 - 1
