"""Central API client, outbox dispatcher, pullers, connectivity; openapi.yaml is the contract."""
