"""The committed contract is exactly what the service generates."""

from __future__ import annotations

from pathlib import Path

import yaml

from central.cli import openapi_yaml

CONTRACT = Path(__file__).resolve().parent.parent / "sync" / "openapi.yaml"


def test_committed_contract_equals_the_generated_schema() -> None:
    assert CONTRACT.read_text(encoding="utf-8") == openapi_yaml(), (
        "sync/openapi.yaml is stale: run `showroom-central openapi --out sync/openapi.yaml`")


def test_contract_shape() -> None:
    schema = yaml.safe_load(CONTRACT.read_text(encoding="utf-8"))
    assert schema["openapi"].startswith("3.1")
    paths = schema["paths"]
    assert all(path.startswith("/v1/") for path in paths)
    components = schema["components"]["schemas"]
    assert {"code", "message", "field_errors"} <= set(components["ErrorBody"]["properties"])
    for path, operations in paths.items():
        for method, op in operations.items():
            body = op.get("requestBody")
            if body is None:
                continue
            for media, content in body["content"].items():
                ref = content["schema"].get("$ref")
                example = content.get("example") or content.get("examples")
                if ref:
                    example = example or components[ref.rsplit("/", 1)[1]].get("examples")
                assert example, f"{method.upper()} {path} ({media}) has no request example"
            # Every operation that can fail documents the one error model.
            assert any(
                "ErrorBody" in str(r.get("content", "")) for r in op["responses"].values()
            ), f"{method.upper()} {path} documents no error"
