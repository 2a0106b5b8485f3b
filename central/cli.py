"""`showroom-central`: serve the reference service and administer it."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select

DEFAULT_DB = "sqlite:///central.sqlite3"


def _db(url: str):
    from central.db import Database

    return Database(url)


def _dealer(s, code: str):
    from central.db import Dealer

    dealer = s.scalars(select(Dealer).where(Dealer.code == code.upper())).first()
    if dealer is None:
        raise SystemExit(f"error: no dealer {code!r} (create it with `add-dealer`)")
    return dealer


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from central import auth, seed
    from central.app import create_app
    from central.db import utcnow
    from central.idempotency import purge_expired

    db = _db(args.db)
    purged = purge_expired(db)
    if args.demo:
        with db.session() as s:
            dealer = seed.seed_demo(s, utcnow().date())
            code = auth.new_activation_code(s, dealer)
        print(f"Demo dealer: {dealer.code} ({dealer.name})")
        print(f"Activation code (one use, 7 days): {code}")
    else:
        with db.session() as s:
            seed.ensure_catalog(s)
    print(f"Interactive API docs: http://{args.host}:{args.port}/docs"
          f"  ·  contract: http://{args.host}:{args.port}/v1/openapi.json")
    if purged:
        print(f"Dropped {purged} idempotency keys older than 7 days.")
    sys.stdout.flush()
    uvicorn.run(create_app(db), host=args.host, port=args.port, log_level=args.log_level)
    return 0


def cmd_add_dealer(args: argparse.Namespace) -> int:
    from central import seed

    db = _db(args.db)
    with db.session() as s:
        dealer = seed.ensure_dealer(s, args.dealer.upper(), args.name)
        seed.ensure_catalog(s)
    print(dealer.code)
    return 0


def cmd_activation_code(args: argparse.Namespace) -> int:
    from central import auth

    db = _db(args.db)
    with db.session() as s:
        code = auth.new_activation_code(s, _dealer(s, args.dealer))
    print(code)
    return 0


def cmd_issue_token(args: argparse.Namespace) -> int:
    from central import auth

    db = _db(args.db)
    with db.session() as s:
        issued = auth.new_device(s, _dealer(s, args.dealer), args.device_name)
    print(f"device {issued.device_id}", file=sys.stderr)
    print(issued.access_token)
    return 0


def cmd_revoke_device(args: argparse.Namespace) -> int:
    from central import auth

    db = _db(args.db)
    with db.session() as s:
        auth.revoke_device(s, args.device)
    print(f"revoked {args.device}")
    return 0


def cmd_review(args: argparse.Namespace) -> int:
    from central import service
    from central.db import Application
    from central.errors import ApiError

    db = _db(args.db)
    with db.session() as s:
        if args.application is None:
            rows = s.scalars(select(Application).where(Application.status == "manual_review")
                             .order_by(Application.created_at)).all()
            listing = [{"id": a.id, "client_reference": a.client_reference,
                        "reasons": [r["en"] for r in a.reasons]} for a in rows]
            if args.json:
                print(json.dumps(listing, ensure_ascii=False, indent=2))
            else:
                for item in listing:
                    print(f"{item['id']}  {item['client_reference']}  "
                          f"{'; '.join(item['reasons'])}")
                print(f"{len(listing)} waiting for a manual review")
            return 0
        app = s.get(Application, args.application)
        if app is None:
            raise SystemExit(f"error: no application {args.application}")
        try:
            if args.fund:
                service.fund(s, app)
            else:
                outcome = args.outcome
                conditions = []
                if outcome == "conditional":
                    conditions = [{"code": "min_down_payment_ratio",
                                   "zh": f"首付比例不低于 {args.min_down:.0%}",
                                   "en": f"Down payment at least {args.min_down:.0%}",
                                   "value": f"{args.min_down:.2f}"}]
                service.complete_review(s, app, outcome, args.note or "人工审核完成",
                                        args.note or "Manual review completed", conditions)
        except ApiError as exc:
            raise SystemExit(f"error: {exc.en}") from exc
        print(f"{app.id} {app.status}")
    return 0


def openapi_yaml() -> str:
    """The contract as the service generates it; `sync/openapi.yaml` must equal this."""
    import yaml

    from central.app import create_app
    from central.db import Database

    schema = create_app(Database("sqlite://")).openapi()
    return yaml.safe_dump(schema, allow_unicode=True, sort_keys=False, width=100)


def cmd_openapi(args: argparse.Namespace) -> int:
    text = openapi_yaml()
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="showroom-central",
        description="Reference central leasing service: the sandbox for `showroom --demo`, "
                    "the tests and lessors' integrators.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def with_db(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
        p.add_argument("--db", default=DEFAULT_DB,
                       help=f"SQLAlchemy URL (default {DEFAULT_DB}; PostgreSQL works too)")
        return p

    p = with_db(sub.add_parser("serve", help="run the HTTP service"))
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8700)
    p.add_argument("--demo", action="store_true",
                   help="seed dealer DEMO001, its catalog and campaigns; print an activation code")
    p.add_argument("--log-level", default="info")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("openapi", help="print the API contract (OpenAPI 3.1, YAML)")
    p.add_argument("--out", help="write to this file instead")
    p.set_defaults(func=cmd_openapi)

    p = with_db(sub.add_parser("add-dealer", help="create a dealer"))
    p.add_argument("--dealer", required=True)
    p.add_argument("--name", required=True)
    p.set_defaults(func=cmd_add_dealer)

    p = with_db(sub.add_parser("activation-code", help="print a one-time activation code"))
    p.add_argument("--dealer", required=True)
    p.set_defaults(func=cmd_activation_code)

    p = with_db(sub.add_parser("issue-token", help="print a bearer token for a new device"))
    p.add_argument("--dealer", required=True)
    p.add_argument("--device-name", default="integration")
    p.set_defaults(func=cmd_issue_token)

    p = with_db(sub.add_parser("revoke-device", help="revoke a device and its tokens"))
    p.add_argument("--device", required=True)
    p.set_defaults(func=cmd_revoke_device)

    p = with_db(sub.add_parser("review", help="list or complete manual reviews; fund"))
    p.add_argument("--application", help="central application id (omit to list)")
    p.add_argument("--outcome", choices=["approved", "conditional", "declined"],
                   default="approved")
    p.add_argument("--min-down", type=Decimal, default=Decimal("0.30"),
                   help="with --outcome conditional: minimum down payment ratio")
    p.add_argument("--note", help="the reviewer's reason, shown to the dealer")
    p.add_argument("--fund", action="store_true", help="mark a signed contract as funded")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_review)
    return parser


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())

